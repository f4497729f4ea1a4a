"""Tests of the RFC index and of the ``zn5 rfc`` command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from zn5.conformance.cli import rfc as rfc_command
from zn5.conformance.rfc import documents
from zn5.conformance.rfc import index as rfc_index

from .example_front_matter import DECIDED, front
from .example_repository import make_repo, write_rfc

# --------------------------------------------------------------------------------------------------------
# The index and the command line


def test_index_lists_the_front_matter(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(
        layout.rfcs,
        "0012-example.md",
        front(superseded_by=13, status="Superseded", released_in="1.0.0", **DECIDED),
    )
    write_rfc(layout.rfcs, "0013-better.md", front(number=13, title="A | better example", supersedes=[12]))
    rfcs, _ = documents.load_rfcs(layout)
    index = rfc_index.build_index(rfcs, layout)
    assert index["rfcs"][0] == {
        "number": 12,
        "title": "A valid example",
        "status": "Superseded",
        "track": "standards",
        "authors": ["Ada Example"],
        "created": "2026-01-05",
        "updated": "2026-01-06",
        "requirements": ["CORE-EXAMPLE-001"],
        "supersedes": [],
        "superseded_by": 13,
        "discussion": "https://example.org/discussions/12",
        "path": "rfcs/0012-example.md",
    }
    page = rfc_index.render_markdown(index, tmp_path / "site" / "rfcs" / "index.md", layout)
    lines = page.splitlines()
    assert lines[0] == "# RFC index"
    assert (
        "> **Superseded:** [RFC 0012](../../rfcs/0012-example.md) (A valid example) is replaced by "
        "[RFC 0013](../../rfcs/0013-better.md)." in lines
    )
    assert (
        "| [RFC 0013](../../rfcs/0013-better.md) | A \\| better example | Draft | standards | Ada Example "
        "| 2026-01-06 | 1 |" in lines
    )


def test_index_command_writes_json_and_markdown(tmp_path: Path) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front())
    output, page = tmp_path / "index.json", tmp_path / "index.md"
    code = rfc_command.main(
        ["index", "--root", str(tmp_path), "--output", str(output), "--markdown", str(page)]
    )
    assert code == 0
    assert [entry["number"] for entry in json.loads(output.read_text(encoding="utf-8"))["rfcs"]] == [12]
    assert "| [RFC 0012](rfcs/0012-example.md) | A valid example | Draft |" in page.read_text(
        encoding="utf-8"
    )


def test_index_command_refuses_invalid_front_matter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front(status="Approved"))
    assert rfc_command.main(["index", "--root", str(tmp_path)]) == 1
    assert "rfcs/0012-example.md: status: 'Approved' is not one of" in capsys.readouterr().err


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layout = make_repo(tmp_path)
    write_rfc(layout.rfcs, "0012-example.md", front(number=13))
    assert rfc_command.main(["check", "--root", str(tmp_path), "--no-history"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "rfcs/0012-example.md: number: is 13, but the file name says 12\n"
    assert "1 problem(s)" in captured.err
    write_rfc(layout.rfcs, "0012-example.md", front())
    assert rfc_command.main(["check", "--root", str(tmp_path), "--no-history"]) == 0


def test_register_adds_rfc_check_and_index() -> None:
    parser = argparse.ArgumentParser(prog="zn5")
    subparsers = parser.add_subparsers(dest="command", required=True)
    rfc_command.register(subparsers)
    check = parser.parse_args(["rfc", "check", "--no-history"])
    index = parser.parse_args(["rfc", "index", "--output", "x.json"])
    assert (check.handler, check.no_history) == (rfc_command.run_check, True)
    assert (index.handler, index.output, index.markdown) == (rfc_command.run_index, "x.json", None)
