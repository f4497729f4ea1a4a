"""``zn5 inspect``: open stores with the reference, print their hierarchy, and read every array in full.

With no path it inspects the sample stores that ship with the project (``examples/stores/``), which
hold one array in Zarr v2, Zarr v3 and N5, and checks that all three read to the same values.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zn5.conformance.suite.resources import sample_stores
from zn5.reference import Array, Group, ZN5Error, open


def walk(node: Array | Group, depth: int = 0) -> Iterator[tuple[int, str, Array | Group]]:
    """Every node under ``node`` (itself first), with its depth and name."""
    yield depth, node.path.rpartition("/")[2] or "/", node
    if isinstance(node, Group):
        for _name, child in node.members():
            yield from walk(child, depth + 1)


def describe(array: Array) -> str:
    """One line about an array: shape, type, chunks, codecs and a digest of its values."""
    values = array[...]
    digest = hashlib.sha256(values.astype(values.dtype.newbyteorder("<")).tobytes()).hexdigest()[:16]
    codecs = " → ".join(codec.name for codec in array.model.codecs)
    return (
        f"array shape={list(array.shape)} dtype={array.dtype.name} chunks={list(array.chunks)} "
        f"codecs=[{codecs}] sha256:{digest}"
    )


def inspect_store(path: Path) -> dict[str, str]:
    """Print the hierarchy of one store; return each array's description by node path."""
    root = open(path)
    print(f"{path} ({root.format})")
    found = {}
    for depth, name, node in walk(root):
        line = describe(node) if isinstance(node, Array) else "group"
        if isinstance(node, Array):
            found[node.path] = line.rpartition(" ")[2]
        print(f"{'  ' * (depth + 1)}{name}: {line}")
    return found


def run(arguments: argparse.Namespace) -> int:
    """Inspect the given stores, or the bundled samples; exit 1 on an error or a disagreement."""
    paths: list[Path] = arguments.paths or sample_stores()
    digests: dict[str, set[str]] = {}
    try:
        for store_path in paths:
            for node_path, digest in inspect_store(store_path).items():
                digests.setdefault(node_path, set()).add(digest)
    except ZN5Error as error:
        print(f"error: {error}")
        return 1
    if not arguments.paths:
        disagreements = {path: found for path, found in digests.items() if len(found) > 1}
        for node_path, found in disagreements.items():
            print(f"error: /{node_path} reads differently across formats: {sorted(found)}")
        print(f"{len(paths)} sample stores read; every format agrees: {not disagreements}")
        return 1 if disagreements else 0
    return 0


def register(subparsers: Any) -> None:
    """Add ``zn5 inspect``."""
    parser = subparsers.add_parser("inspect", help="print a store's hierarchy and read every array")
    parser.add_argument(
        "paths", nargs="*", type=Path, help="stores to inspect (default: the bundled samples)"
    )
    parser.set_defaults(handler=run)
