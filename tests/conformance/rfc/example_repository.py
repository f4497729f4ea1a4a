"""A repository for the ``zn5 rfc`` tests: a minimal tree with the real schema and template, and its RFCs."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from zn5.conformance.rfc import documents

REPO = Path(__file__).resolve().parents[3]
TODAY = dt.date(2026, 11, 25)
BODY = "# Example\n\n- **CORE-EXAMPLE-001** (MUST): A reader MUST do the example thing.\n"


def write_rfc(folder: Path, name: str, front_matter: Mapping[str, Any], body: str = BODY) -> Path:
    """Write an RFC file with the given front matter and body; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    header = yaml.safe_dump(dict(front_matter), sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{header}---\n{body}", encoding="utf-8")
    return path


def make_repo(root: Path) -> documents.Layout:
    """A minimal repository under ``root``: the real schema and template, an empty spec folder."""
    (root / "schemas" / "project").mkdir(parents=True)
    shutil.copy(REPO / documents.SCHEMA_PATH, root / documents.SCHEMA_PATH)
    (root / "rfcs").mkdir()
    shutil.copy(REPO / "rfcs" / documents.TEMPLATE_NAME, root / "rfcs" / documents.TEMPLATE_NAME)
    (root / "spec").mkdir()
    (root / "governance" / "decisions").mkdir(parents=True)
    (root / "governance" / "decisions" / "0001-adopt-governance.md").write_text("# Decision\n")
    return documents.Layout.at(root)
