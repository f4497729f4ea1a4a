"""The ``Dialect`` interface: one object per format, and no format-name branch outside the formats."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zn5.conformance.validation.schemas import SCHEMA_ROOT, schema_id, schema_registry
from zn5.reference.codecs.gzip import Gzip
from zn5.reference.codecs.n5_block import N5Block
from zn5.reference.codecs.transpose import Transpose
from zn5.reference.formats.base import Dialect
from zn5.reference.formats.chain import ChainOptions
from zn5.reference.formats.dialect import DIALECTS, dialect
from zn5.reference.model.dtype import DataType
from zn5.reference.model.keys import ChunkKeyEncoding

ROOT = Path(__file__).resolve().parents[3]
FORMAT_NAMES = frozenset(DIALECTS)
CHECKED = (ROOT / "reference", ROOT / "conformance" / "validation")
EXEMPT = (ROOT / "reference" / "formats", ROOT / "reference" / "testing")
"""The formats themselves, and the sample codecs of each format that the property tests draw from."""


def _names_a_format(node: ast.expr | None) -> bool:
    """A format name, or a tuple, list or set that holds one."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(map(_names_a_format, node.elts))
    return isinstance(node, ast.Constant) and node.value in FORMAT_NAMES


def format_branches(source: str, filename: str) -> list[str]:
    """``file:line`` for each comparison with a format name (``==``, ``in``) and each dict keyed by one."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Compare | ast.Dict):
            continue
        operands = [node.left, *node.comparators] if isinstance(node, ast.Compare) else list(node.keys)
        if any(map(_names_a_format, operands)):
            found.append(f"{filename}:{node.lineno}")
    return found


def checked_sources() -> dict[str, str]:
    """The text of each module outside the formats, by its path in the repository."""
    paths = [path for folder in CHECKED for path in sorted(folder.rglob("*.py"))]
    kept = [path for path in paths if not any(path.is_relative_to(exempt) for exempt in EXEMPT)]
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in kept}


def test_nothing_outside_the_formats_branches_on_a_format_name() -> None:
    sources = checked_sources()
    assert len(sources) > 20
    assert [line for name, text in sources.items() for line in format_branches(text, name)] == []


@pytest.mark.parametrize(
    "snippet",
    ['if format_name == "n5":\n    pass', 'x = name in ("zarr2", "zarr3")', 'KEYS = {"zarr3": "zarr.json"}'],
)
def test_the_branch_scan_finds_a_format_name(snippet: str) -> None:
    assert format_branches(snippet + "\n", "module.py") == ["module.py:1"]


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_each_dialect_is_registered_under_its_name(name: str) -> None:
    each = dialect(name)
    assert isinstance(each, Dialect) and each.name == name
    assert each.document_keys and each.attribute_keys <= set(each.document_keys)
    assert each.group_document is None or each.group_document in each.document_keys
    assert (each.group_document is None) == (each.missing_group_requirement is None) == each.implicit_groups
    assert (SCHEMA_ROOT / name).is_dir()
    if each.consolidated is not None:
        assert schema_registry().contents(schema_id(each.consolidated.schema))


def test_an_unknown_format_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown format 'zarr4'"):
        dialect("zarr4")


def test_the_default_chunk_key_encodings() -> None:
    """Zarr v2 ``v2`` with ``"."`` (ZARR2-META-013); Zarr v3 ``default`` with ``"/"``; N5 always ``/``
    (N5-KEY-001), whatever is asked."""
    assert dialect("zarr2").key_encoding(None, None) == ChunkKeyEncoding("v2", ".")
    assert dialect("zarr2").key_encoding("default", None) == ChunkKeyEncoding("default", "/")
    assert dialect("zarr3").key_encoding(None, None) == ChunkKeyEncoding("default", "/")
    assert dialect("zarr3").key_encoding("v2", None) == ChunkKeyEncoding("v2", ".")
    assert dialect("n5").key_encoding("default", ".") == ChunkKeyEncoding("v2", "/")


def test_the_new_codec_chains() -> None:
    """A Fortran-order Zarr array starts with a transpose; N5 keeps only the compressor in its block."""
    options = ChainOptions(2, DataType.of("int16"), "F", (), Gzip(1), "little")
    zarr_chain = dialect("zarr3").new_codecs(options)
    assert isinstance(zarr_chain[0], Transpose) and zarr_chain[-1] == Gzip(1)
    assert dialect("zarr2").new_codecs(options) == zarr_chain
    assert dialect("n5").new_codecs(options) == (N5Block((Gzip(1),)),)
