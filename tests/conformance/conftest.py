"""Fixtures of the runner tests: a tiny corpus built once per session, and the fake adapters' commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .corpus_fixtures import build_corpus

FAKES = Path(__file__).resolve().parent / "fake_adapters"
Fake = Callable[..., list[str]]


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny corpus; tests must not change it (the runner never does)."""
    return build_corpus(tmp_path_factory.mktemp("tiny") / "corpus")


@pytest.fixture(scope="session")
def fake(tiny_corpus: Path) -> Fake:
    """The command line of a fake adapter: ``fake("crash", "zarr2/*")``."""

    def command(name: str, *arguments: str) -> list[str]:
        if name == "bad_hello":
            return [sys.executable, str(FAKES / "bad_hello.py"), *arguments]
        return [sys.executable, str(FAKES / f"{name}.py"), str(tiny_corpus / "capabilities.json"), *arguments]

    return command
