"""The site hooks' pure parts, run in the ``site`` step (where mkdocs is installed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    sys.path.insert(0, str(ROOT / "tools" / "site"))  # as mkdocs does: the hooks import their siblings
    spec = importlib.util.spec_from_file_location("zn5_site_hooks", ROOT / "tools" / "site" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"status": "Superseded", "superseded_by": 1}, "superseded by [RFC 0001](0001-rfc-process.md)"),
        ({"status": "Superseded", "superseded_by": 9999}, "superseded by RFC 9999;"),
        ({"status": "Withdrawn"}, "This RFC was withdrawn"),
        ({"status": "Rejected"}, "This RFC was rejected"),
    ],
)
def test_an_rfc_that_no_longer_stands_gets_a_banner(
    hooks: ModuleType, meta: dict[str, object], expected: str
) -> None:
    banner = hooks.status_banner(meta)
    assert banner.startswith(f'!!! warning "{meta["status"]}"')
    assert expected in banner


@pytest.mark.parametrize("status", ["Draft", "Review", "Accepted", "Final"])
def test_a_standing_rfc_has_no_banner(hooks: ModuleType, status: str) -> None:
    assert hooks.status_banner({"status": status}) == ""


@pytest.mark.parametrize(
    ("passing", "expected"),
    [
        (["reference", "zarr-python", "zarrs-python", "zarrs"], ["zarr-python", "zarrs"]),
        (["reference", "zarrs-python"], ["zarrs-python"]),
        (["zarr-python", "zarr-java", "zarr-java-scala"], ["zarr-java", "zarr-python"]),
        (["reference"], []),
    ],
    ids=["shared-codebase-counted-once", "a-wrapper-alone", "scala-wraps-java", "reference-only"],
)
def test_a_confirmation_counts_implementations_with_no_codebase_in_common(
    hooks: ModuleType, passing: list[str], expected: list[str]
) -> None:
    evidence = sys.modules["evidence"]  # the sibling module hooks.py imported (tools/site/evidence.py)
    bases = {
        "reference": frozenset({"zn5-reference"}),
        "zarr-python": frozenset({"zarr-python-3"}),
        "zarrs": frozenset({"zarrs"}),
        "zarrs-python": frozenset({"zarr-python-3", "zarrs"}),
        "zarr-java": frozenset({"zarr-java"}),
        "zarr-java-scala": frozenset({"zarr-java"}),
    }
    assert evidence.independent(passing, bases) == expected
