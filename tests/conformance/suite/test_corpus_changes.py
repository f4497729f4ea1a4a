"""``zn5 corpus diff`` and the committed change lists between corpus versions (conformance/corpus-changes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zn5.conformance.cli import main
from zn5.conformance.generate import VERSION
from zn5.conformance.suite.case import CorpusError, corpus_digest
from zn5.conformance.suite.changes import change_list_validator, corpus_changes
from zn5.conformance.suite.resources import CORPUS, CORPUS_CHANGES

from ..corpus_fixtures import _dump, _files_digest, build_corpus


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def change_lists() -> list[Path]:
    """The committed change lists, oldest first (by the version they lead to)."""
    return sorted(CORPUS_CHANGES.glob("*..*.json"), key=lambda path: _version(path.stem.split("..")[1]))


def test_every_committed_change_list_validates_and_is_named_after_its_versions() -> None:
    lists = change_lists()
    assert lists
    for path in lists:
        changes = json.loads(path.read_text(encoding="utf-8"))
        assert [error.message for error in change_list_validator().iter_errors(changes)] == []
        assert path.name == f"{changes['from']['version']}..{changes['to']['version']}.json"
        assert _version(changes["from"]["version"]) < _version(changes["to"]["version"])


def test_the_newest_change_list_leads_to_the_committed_corpus() -> None:
    newest = json.loads(change_lists()[-1].read_text(encoding="utf-8"))
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    assert newest["to"]["digest"] == manifest["digest"]
    assert newest["to"]["version"] == manifest["version"] == VERSION
    listed = {entry["id"] for entry in newest["added"]} | {entry["id"] for entry in newest["changed"]}
    assert listed <= {entry["id"] for entry in manifest["cases"]}
    assert newest["unchanged"] + len(newest["added"]) + len(newest["changed"]) == len(manifest["cases"])


def _rewrite_case(corpus: Path, case_id: str, change: dict[str, Any]) -> None:
    """Change a case's case.json and update its uid, the manifest and the digest as the generator would."""
    folder = corpus / "cases" / case_id
    document = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    document.pop("uid")
    document.update(change)
    digest = _files_digest(folder)
    digest.update(_dump(document).encode())
    document["uid"] = digest.hexdigest()[:16]
    (folder / "case.json").write_text(_dump(document), encoding="utf-8")
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["cases"]:
        if entry["id"] == case_id:
            entry["uid"] = document["uid"]
    manifest["digest"] = corpus_digest(manifest["cases"])
    (corpus / "manifest.json").write_text(_dump(manifest), encoding="utf-8")


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("versions")
    old = build_corpus(root / "old", only=lambda case_id: case_id != "zarr2/write/int32-gzip")
    new = build_corpus(root / "new", only=lambda case_id: case_id != "n5/read/uint8-index")
    _rewrite_case(
        new, "zarr3/read/int16-gzip", {"description": "an int16 array in gzip chunks reads exactly"}
    )
    return old, new


def test_added_removed_and_changed_cases_are_listed(two_corpora: tuple[Path, Path]) -> None:
    old, new = two_corpora
    changes = corpus_changes(old, new)
    old_manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    new_manifest = json.loads((new / "manifest.json").read_text(encoding="utf-8"))
    uids = {entry["id"]: entry["uid"] for entry in old_manifest["cases"]}
    new_uids = {entry["id"]: entry["uid"] for entry in new_manifest["cases"]}
    assert changes["from"] == {"version": old_manifest["version"], "digest": old_manifest["digest"]}
    assert changes["to"] == {"version": new_manifest["version"], "digest": new_manifest["digest"]}
    assert changes["added"] == [
        {
            "id": "zarr2/write/int32-gzip",
            "uid": new_uids["zarr2/write/int32-gzip"],
            "kind": "write",
            "format": "zarr2",
        }
    ]
    assert changes["removed"] == [
        {"id": "n5/read/uint8-index", "uid": uids["n5/read/uint8-index"], "kind": "read", "format": "n5"}
    ]
    assert changes["changed"] == [
        {
            "id": "zarr3/read/int16-gzip",
            "kind": "read",
            "format": "zarr3",
            "from_uid": uids["zarr3/read/int16-gzip"],
            "to_uid": new_uids["zarr3/read/int16-gzip"],
        }
    ]
    assert changes["unchanged"] == len(uids) - 2
    assert corpus_changes(new, new)["added"] == corpus_changes(new, new)["changed"] == []


def test_the_command_writes_the_same_sorted_json_every_time(
    two_corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = two_corpora
    first, second = tmp_path / "a" / "changes.json", tmp_path / "b.json"
    assert main(["corpus", "diff", str(old), str(new), "--output", str(first)]) == 0
    assert main(["corpus", "diff", str(old), str(new), "--output", str(second)]) == 0
    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_command_prints_to_stdout_without_output(
    two_corpora: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_corpora
    assert main(["corpus", "diff", str(old), str(new)]) == 0
    assert json.loads(capsys.readouterr().out) == corpus_changes(old, new)


def test_an_inconsistent_corpus_is_refused(
    two_corpora: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, _new = two_corpora
    broken = build_corpus(tmp_path / "broken")
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    manifest["cases"][0]["uid"] = "0" * 16
    (broken / "manifest.json").write_text(_dump(manifest), encoding="utf-8")
    with pytest.raises(CorpusError):
        corpus_changes(old, broken)
    assert main(["corpus", "diff", str(old), str(broken)]) == 2
    assert "zn5 corpus diff:" in capsys.readouterr().err
