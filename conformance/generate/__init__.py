"""Deterministic generation of the conformance corpus (``zn5 corpus build``), one module per concept family.

Building twice gives byte-identical output: sorted JSON, gzip without time stamps, cases written in a
fixed order, and seeds from a hash of each case's id (``common.id_seed``), so that adding, removing or
reordering a case changes no other case's bytes.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from zn5.conformance.generate import capabilities
from zn5.conformance.generate.case import CaseDraft, write_case
from zn5.conformance.suite.case import dump_json

VERSION = "0.2.4"
"""Corpus version: MAJOR.MINOR of the spec it tests, then its own patch number (DECISIONS.md section 3)."""

Family = Callable[[], Iterator[CaseDraft]]


def families() -> list[Family]:
    """Every generator family, in build order."""
    from zn5.conformance.generate import (
        codecs,
        deviations,
        dtypes,
        field,
        fill_values,
        filters,
        gold,
        grids,
        hierarchy,
        keys,
        n5,
        object_values,
        objects,
        rejects,
        sharding,
        spec_examples,
        structured,
        vlen,
        write_matrix,
        writes,
    )

    return [
        dtypes.cases,
        codecs.cases,
        filters.cases,
        grids.cases,
        keys.cases,
        fill_values.cases,
        n5.cases,
        sharding.cases,
        hierarchy.cases,
        rejects.cases,
        deviations.cases,
        writes.cases,
        write_matrix.cases,
        field.cases,
        vlen.cases,
        objects.cases,
        object_values.cases,
        structured.cases,
        gold.cases,
        spec_examples.cases,
    ]


def build(destination: Path) -> dict[str, Any]:
    """Write the whole corpus to ``destination`` (replacing it) and return its manifest."""
    return write_corpus(destination, (case for family in families() for case in family()), VERSION)


def write_corpus(destination: Path, cases: Iterable[CaseDraft], version: str) -> dict[str, Any]:
    """Write ``cases`` as a corpus at ``destination`` (replacing it): case folders, VERSION, manifest
    and the capability vocabulary; return the manifest."""
    shutil.rmtree(destination, ignore_errors=True)
    cases_dir = destination / "cases"
    cases_dir.mkdir(parents=True)
    documents = [write_case(case, cases_dir) for case in cases]
    ids = [document["id"] for document in documents]
    if len(set(ids)) != len(ids):
        duplicates = sorted({case_id for case_id in ids if ids.count(case_id) > 1})
        raise ValueError(f"case ids are not unique: {duplicates}")
    digest = hashlib.sha256(
        "".join(f"{d['id']} {d['uid']}\n" for d in sorted(documents, key=lambda d: d["id"])).encode()
    )
    manifest = {
        "version": version,
        "digest": f"sha256:{digest.hexdigest()}",
        "cases": [
            {
                "id": d["id"],
                "uid": d["uid"],
                "kind": d["kind"],
                "format": d["format"],
                "path": f"cases/{d['id']}",
            }
            for d in sorted(documents, key=lambda d: d["id"])
        ],
    }
    (destination / "VERSION").write_text(version + "\n", encoding="utf-8")
    (destination / "manifest.json").write_text(dump_json(manifest), encoding="utf-8")
    vocabulary = {"tokens": capabilities.tokens(), "profiles": capabilities.profiles()}
    (destination / "capabilities.json").write_text(dump_json(vocabulary), encoding="utf-8")
    (destination / ".gitattributes").write_text("* -text\n", encoding="utf-8")
    return manifest
