"""Tests of the ``zn5 validate`` command: its text and JSON output and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from zn5.conformance.cli import main
from zn5.conformance.generate.case import write_store
from zn5.conformance.suite.resources import sample_stores
from zn5.conformance.validation.schemas import SCHEMA_ROOT
from zn5.conformance.validation.walk import STRAY_KEY

from .broken_stores import CHUNK, build, edit, removing, run, setting

SAMPLES = sample_stores()
REPORT_SCHEMA = json.loads((SCHEMA_ROOT / "project" / "validate-report.schema.json").read_text())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_bundled_samples_are_clean(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(sample), "--chunks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "0 errors, 0 warnings, 0 deviations" in lines[0] and "6 chunks, 6 decoded" in lines[0]


def test_text_output_has_one_line_per_problem_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = build("zarr3")
    edit("g/a/zarr.json", setting("shape", [-6, 5]))(store)
    store.values["g/a/c/9/9"] = b"x"
    assert main(["validate", str(write_store(store, tmp_path / "s.zarr"))]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == "g/a/zarr.json: shape[0]: error: must be an integer of at least 0 (got -6) [ZARR3-META-003]"
    )
    assert lines[-1].endswith("1 error, 0 warnings, 0 deviations; checked 3 nodes, 8 keys, 0 chunks")
    assert len(lines) == 2, "keys of an array whose metadata is broken are not checked"


def test_warnings_and_deviations_alone_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build("zarr2")
    del store.values["g/.zgroup"]
    store.values["g/a/junk"] = b"x"
    assert main(["validate", str(write_store(store, tmp_path / "s.zarr"))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "g/.zgroup: deviation: the group /g holds /g/a but has no .zgroup "
        "[ZARR2-NODE-001; known deviation CORE-DEVIATION-005]",
        "g/a/junk: warning: is not a chunk key of /g/a (v2 encoding, separator '.', 2 dimensions) "
        "[CORE-KEY-004]",
    ]


def test_nested_keys_without_a_separator_are_stray_with_the_fix_named() -> None:
    store = build("zarr2", dimension_separator="/")
    edit("g/a/.zarray", removing("dimension_separator"))(store)
    problems = [p for p in run(store) if p.key.startswith("g/a/") and p.requirement == STRAY_KEY]
    assert sorted(p.key for p in problems) == ["g/a/0/0", "g/a/0/1", "g/a/1/0", "g/a/1/1"]
    assert all(
        'needs "dimension_separator": "/"' in p.message and "ZARR2-META-013" in p.message for p in problems
    )


def test_strict_fails_on_deviations_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build("zarr2")
    edit("g/a/.zarray", setting("fill_value", "0"))(store)
    path = str(write_store(store, tmp_path / "s.zarr"))
    assert main(["validate", path]) == 0
    assert main(["validate", path, "--strict"]) == 1
    capsys.readouterr()
    assert main(["validate", path, "--strict", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report)) == []
    assert [(p["level"], p["requirement"], p.get("allowed_by")) for p in report["problems"]] == [
        ("deviation", "ZARR2-FILL-003", "CORE-DEVIATION-008")
    ]


def test_json_output_follows_its_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = build("n5")
    store.values[CHUNK["n5"]] = b"\x00"
    store.values["g/a/9/9"] = b"x"
    path = write_store(store, tmp_path / "s.n5")
    assert main(["validate", str(path), "--json", "--chunks", "--format", "n5"]) == 1
    report = json.loads(capsys.readouterr().out)
    Draft202012Validator.check_schema(REPORT_SCHEMA)
    assert list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report)) == []
    assert report["store"] == str(path) and report["formats"] == ["n5"] and report["valid"] is False
    assert report["counts"] == {"error": 1, "warning": 1, "deviation": 0}
    assert report["checked"] == {"nodes": 3, "keys": 8, "chunks": 4, "decoded": 3}
    assert {(p["key"], p["level"], p["requirement"]) for p in report["problems"]} == {
        ("g/a/0/0", "error", "N5-BLOCK-003"),
        ("g/a/9/9", "warning", STRAY_KEY),
    }


def test_json_output_of_a_clean_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SAMPLES[0]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report)) == []
    assert report["valid"] is True and report["problems"] == [] and report["chunks_decoded"] is False


def test_a_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nothing")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_a_directory_without_metadata_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["validate", str(tmp_path / "empty")]) == 1
    assert "[CORE-NODE-004]" in capsys.readouterr().out


def test_a_zip_store_is_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zn5.reference.store.zip import ZipStore

    path = tmp_path / "s.zip"
    target = ZipStore(path, "w")
    for key, value in build("zarr3").values.items():
        target.set(key, value)
    target.close()
    assert main(["validate", str(path), "--chunks"]) == 0
    assert "4 chunks, 4 decoded" in capsys.readouterr().out
