"""Corpus change lists: what was added, removed and changed between two corpus versions.

A change list is a pure function of the two corpus folders: their versions, digests and the ids, uids,
kinds and formats of their cases (schemas/project/corpus-changes.schema.json). A case is changed when
its id is in both and its uid differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator

from zn5.conformance.suite.case import Case, Corpus
from zn5.conformance.suite.resources import PROJECT_SCHEMAS

CHANGE_LIST_FORMAT: Final = 1


def _entry(case: Case) -> dict[str, str]:
    return {"id": case.id, "uid": case.uid, "kind": case.kind, "format": case.format}


def corpus_changes(old: Path, new: Path) -> dict[str, Any]:
    """The change list from the corpus at ``old`` to the one at ``new``, validated against its schema.

    Both corpora are checked as the runner loads them (CorpusError when a case's uid or the digest does
    not match its manifest).
    """
    before, after = Corpus.load(old), Corpus.load(new)
    old_cases = {case.id: case for case in before.cases}
    new_cases = {case.id: case for case in after.cases}
    common = sorted(old_cases.keys() & new_cases.keys())
    changed = [
        {
            "id": case_id,
            "kind": new_cases[case_id].kind,
            "format": new_cases[case_id].format,
            "from_uid": old_cases[case_id].uid,
            "to_uid": new_cases[case_id].uid,
        }
        for case_id in common
        if old_cases[case_id].uid != new_cases[case_id].uid
    ]
    changes = {
        "change_list_format": CHANGE_LIST_FORMAT,
        "from": {"version": before.version, "digest": before.digest},
        "to": {"version": after.version, "digest": after.digest},
        "added": [_entry(new_cases[case_id]) for case_id in sorted(new_cases.keys() - old_cases.keys())],
        "removed": [_entry(old_cases[case_id]) for case_id in sorted(old_cases.keys() - new_cases.keys())],
        "changed": changed,
        "unchanged": len(common) - len(changed),
    }
    errors = [error.message for error in change_list_validator().iter_errors(changes)]
    if errors:
        raise ValueError(f"the change list breaks its schema: {'; '.join(errors)}")
    return changes


def change_list_validator(schemas: Path = PROJECT_SCHEMAS) -> Draft202012Validator:
    """A validator for a corpus change list."""
    schema = json.loads((schemas / "corpus-changes.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)
