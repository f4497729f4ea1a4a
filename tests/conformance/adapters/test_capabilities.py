"""Each adapter's ``capabilities.json``: its schema, and tokens of the corpus's vocabulary (PROTO-004)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from zn5.conformance.suite.resources import CORPUS
from zn5.conformance.validation.schemas import SCHEMA_ROOT

ADAPTERS = Path(__file__).resolve().parents[3] / "conformance" / "adapters"
DECLARATIONS = sorted(ADAPTERS.glob("*/capabilities.json"))
SCHEMA_PATH = SCHEMA_ROOT / "project" / "adapter-capabilities.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VOCABULARY = set(json.loads((CORPUS / "capabilities.json").read_text(encoding="utf-8"))["tokens"])


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda path: path.parent.name)
def test_a_declaration_follows_its_schema(path: Path) -> None:
    assert [error.message for error in Draft202012Validator(SCHEMA).iter_errors(load(path))] == []


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda path: path.parent.name)
def test_a_declaration_claims_tokens_of_the_corpus_and_names_only_claimed_ones(path: Path) -> None:
    declaration = load(path)
    claimed = set(declaration["capabilities"])
    named = set(declaration.get("notes", {})).union(*declaration.get("format_gaps", {}).values())
    assert claimed - VOCABULARY == set()
    assert named - claimed == set()
    assert {f"format:{name}" for name in declaration.get("format_gaps", {})} <= claimed
