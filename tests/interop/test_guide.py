"""The implementer's guide's example adapter, cut out of ``docs/run-the-suite.md``, over the whole corpus.

The adapter (zarr-python 3, no zn5 import) runs as its own process through ``zn5 run --adapter``, as a
reader of the guide would run it. It must get to the end of the corpus with no adapter error, crash or
time-out, except on the cases the guide's expectations file skips because zarr-python itself hangs or
crashes on them, and pass at least as many cases as the guide says; with the guide's expectations file the run
must pass (every failure is listed, no entry is stale).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
ZN5 = Path(sys.executable).with_name("zn5")
GUIDE_PASSES = 194
"""The passes the guide states for its adapter (docs/run-the-suite.md, "The example adapter")."""
BROKEN = ("adapter-error", "crash", "timeout")
FAILING = (*BROKEN, "fail", "missed-reject", "wrong-reject", "xpass")


def guide_example() -> ModuleType:
    """``tools/guide_example.py``, the guide's extractor (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("guide_example", ROOT / "tools" / "guide_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's example files, written to a folder as its reader would save them."""
    folder = tmp_path_factory.mktemp("guide")
    assert guide_example().main([str(folder)]) == 0
    return folder


def run(examples: Path, report: Path, *options: str) -> tuple[int, dict[str, Any]]:
    """``zn5 run`` of the whole corpus against the example adapter; its exit status and report.json."""
    adapter = f"{sys.executable} {examples / 'zarr3_adapter.py'}"
    command = [str(ZN5), "run", "--adapter", adapter, "--report-dir", str(report), "--jobs", "2", *options]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert (report / "report.json").exists(), finished.stderr
    return finished.returncode, json.loads((report / "report.json").read_text(encoding="utf-8"))


def test_the_example_adapter_imports_no_zn5(examples: Path) -> None:
    source = (examples / "zarr3_adapter.py").read_text(encoding="utf-8")
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported and imported <= {*sys.stdlib_module_names, "numpy", "zarr"}, imported


def skipped_by_the_guide(examples: Path) -> set[str]:
    """The case ids the guide's expectations file skips (exact ids: its skip entries have no wildcards)."""
    entries = tomllib.loads((examples / "expectations.toml").read_text(encoding="utf-8"))["expect"]
    return {entry["match"] for entry in entries if entry["outcome"] == "skip"}


def test_the_example_adapter_runs_the_whole_corpus(examples: Path, tmp_path: Path) -> None:
    _, report = run(examples, tmp_path)
    outcomes = Counter(case["outcome"] for case in report["cases"])
    broken = {case["id"]: case["outcome"] for case in report["cases"] if case["outcome"] in BROKEN}
    assert set(broken) <= skipped_by_the_guide(examples), broken
    assert report["summary"]["total"] == len(report["cases"]) > 500
    assert outcomes["pass"] >= GUIDE_PASSES, outcomes
    assert report["implementation"]["name"] == "zarr-python"


def test_the_example_expectations_make_the_run_pass(examples: Path, tmp_path: Path) -> None:
    status, report = run(examples, tmp_path, "--expectations", str(examples / "expectations.toml"))
    assert report["expectations"]["stale"] == []
    failing = [f"{case['id']}: {case['outcome']}" for case in report["cases"] if case["outcome"] in FAILING]
    assert status == 0 and report["passed"], failing
