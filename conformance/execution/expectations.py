"""Implementer expectation files: the failures and skips an implementation knows about.

The file lives in the implementer's repository and is written in TOML (YAML of the same shape is read
too); its schema is ``schemas/project/expectations.schema.json``::

    corpus = "0.1.0"
    [implementation]
    name = "zarr-python"
    version = "3.1.2"

    [[expect]]
    match = "zarr3/codec/crc32c-*"
    outcome = "xfail"            # run it, expect it not to pass
    reason = "the crc32c checksum is not verified on read"
    issue = "not filed"          # or a link
    store = "http"               # optional: only in runs with --store http (or "file")

Entries are strict (DECISIONS.md section 6): one that matches no case of the corpus is stale, and so is
an ``xfail`` entry whose every case the adapter declared unsupported or skipped; an ``xfail`` case that
passes is an unexpected pass (``xpass``); each fails the run.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

import yaml

from zn5.conformance.execution.protocol import validator

ExpectedOutcome = Literal["xfail", "skip"]
StoreKind = Literal["file", "http"]
"""Where a run's cases read their stores from: the file system, or a local HTTP server (PROTO-021)."""


class ExpectationsError(ValueError):
    """An expectation file cannot be read, or breaks its schema; the message lists every problem."""


@dataclass(frozen=True)
class Entry:
    """One expectation: which cases, what to expect, and why."""

    match: str
    outcome: ExpectedOutcome
    reason: str
    issue: str
    store: StoreKind | None = None
    """The runs the entry applies to: only those with this ``--store``; None: every run."""

    def matches(self, case_id: str) -> bool:
        """Whether the glob matches a case id."""
        return fnmatchcase(case_id, self.match)

    def to_json(self) -> dict[str, str]:
        """The entry as in the file."""
        document = {"match": self.match, "outcome": self.outcome, "reason": self.reason, "issue": self.issue}
        return document | ({"store": self.store} if self.store is not None else {})


@dataclass(frozen=True)
class Expectations:
    """A parsed expectation file."""

    implementation: str
    version: str
    corpus: str | None
    entries: tuple[Entry, ...]
    path: Path | None = None
    digest: str = ""

    @classmethod
    def empty(cls) -> Expectations:
        """No expectations: every case must pass."""
        return cls("", "", None, ())

    @classmethod
    def load(cls, path: Path) -> Expectations:
        """Read and validate ``path`` (``.toml``, or ``.yaml``/``.yml``/``.json``)."""
        try:
            raw = path.read_bytes()
            document = parse(raw, path.suffix)
        except (OSError, ValueError, yaml.YAMLError) as error:
            raise ExpectationsError(f"{path}: {error}") from None
        return cls.from_json(document, path, "sha256:" + hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_json(cls, document: Any, path: Path | None = None, digest: str = "") -> Expectations:
        """Validate a parsed document; ExpectationsError lists every schema problem."""
        errors = sorted(validator("expectations").iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            where = str(path) if path else "expectations"
            lines = [
                f"{where}: {'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
                for error in errors
            ]
            raise ExpectationsError("\n".join(lines))
        return cls(
            implementation=document["implementation"]["name"],
            version=document["implementation"]["version"],
            corpus=document.get("corpus"),
            entries=tuple(Entry(**entry) for entry in document["expect"]),
            path=path,
            digest=digest,
        )

    def for_store(self, store: StoreKind) -> Expectations:
        """The expectations of a run with ``--store store``: the entries for every store and for it."""
        entries = tuple(entry for entry in self.entries if entry.store in (None, store))
        return replace(self, entries=entries)

    def lookup(self, case_id: str) -> Entry | None:
        """The first entry that matches a case id, if any."""
        return next((entry for entry in self.entries if entry.matches(case_id)), None)

    def stale(
        self, case_ids: Iterable[str], did_not_run: Iterable[str] = (), out_of_scope: Iterable[str] = ()
    ) -> list[Entry]:
        """The entries that match none of ``case_ids`` (the whole corpus, not a selection of it), and the
        ``xfail`` entries whose every match is in ``did_not_run`` (cases the adapter declared unsupported
        or skipped): such an entry promises a failure the run never shows. An entry whose every match is
        ``out_of_scope`` (cases the run's store does not run, such as writes over HTTP) is not judged."""
        ids, idle, outside = list(case_ids), set(did_not_run), set(out_of_scope)
        stale = []
        for entry in self.entries:
            matched = [case_id for case_id in ids if entry.matches(case_id)]
            if matched and all(case_id in outside for case_id in matched):
                continue
            if not matched or (entry.outcome == "xfail" and all(case_id in idle for case_id in matched)):
                stale.append(entry)
        return stale


def parse(raw: bytes, suffix: str) -> Any:
    """The document in an expectation file's bytes, by the file's suffix."""
    text = raw.decode("utf-8")
    if suffix == ".toml":
        return tomllib.loads(text)
    if suffix in (".yaml", ".yml"):
        return yaml.safe_load(text)
    if suffix == ".json":
        return json.loads(text)
    raise ValueError(f"unknown expectation file type {suffix!r}: use .toml, .yaml or .json")
