"""Scratch folders: each case runs on a copy of its folder, never on the corpus (PROTO-006).

The copy leaves out ``expected/`` and the ``expect`` member of ``case.json``; its digest, taken while
copying, shows afterwards whether the adapter changed its input.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from zn5.conformance.execution import protocol
from zn5.conformance.suite.case import CASE_FILE, Case

SERVED: Final = "served"
"""The folder of a case's scratch copy whose stores a ``--store http`` run serves."""


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes (and symbolic links with their target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = "link:" + path.readlink().as_posix()
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def scratch_digest(input: Path, served: Path | None) -> dict[str, str]:
    """The :func:`tree_digest` of a case's scratch copy: its input folder, and its served stores."""
    digest = tree_digest(input)
    if served is not None:
        digest |= {f"{SERVED}/{name}": value for name, value in tree_digest(served).items()}
    return digest


def tree_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """What changed between two tree digests, readably."""
    changes = [f"added {name}" for name in sorted(set(after) - set(before))]
    changes += [f"removed {name}" for name in sorted(set(before) - set(after))]
    changes += [f"changed {name}" for name in sorted(set(before) & set(after)) if before[name] != after[name]]
    return changes


def store_folders(case: Case) -> frozenset[str]:
    """The top-level folders of a case that hold its input stores (``input.store``, ``input.stores``)."""
    stores = case.input.get("stores", {})
    paths = [case.input["store"]] if "store" in case.input else list(stores.values())
    return frozenset(Path(path).parts[0] for path in paths)


def copy_case(case: Case, destination: Path, served: Path | None = None) -> dict[str, str]:
    """Copy a case folder without ``expected/``, its case.json without ``expect`` (PROTO-006).

    With ``served`` the case's store folders go there instead of into ``destination``: a run with
    ``--store http`` serves them over HTTP, and the adapter finds them only through the URL of its run
    message (PROTO-021). Returns the copy's :func:`scratch_digest`, computed from the bytes as they are
    copied (one pass).
    """
    digest: dict[str, str] = {}
    diverted = store_folders(case) if served is not None else frozenset()
    for root, folders, files in os.walk(case.folder):
        here = Path(root)
        relative = here.relative_to(case.folder)
        if relative == Path():
            folders[:] = [name for name in folders if name != "expected"]
            files = [name for name in files if name != CASE_FILE]
        into, prefix = destination, ""
        if served is not None and relative.parts[:1] and relative.parts[0] in diverted:
            into, prefix = served, f"{SERVED}/"
        (into / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            data = (here / name).read_bytes()
            (into / relative / name).write_bytes(data)
            digest[prefix + (relative / name).as_posix()] = hashlib.sha256(data).hexdigest()
    redacted = protocol.withhold_expectation(case.to_json())
    text = (json.dumps(redacted, indent=2, sort_keys=True) + "\n").encode()
    (destination / CASE_FILE).write_bytes(text)
    digest[CASE_FILE] = hashlib.sha256(text).hexdigest()
    return digest


def _make_writable(function: Callable[..., Any], path: str, _error: Any) -> None:
    """rmtree's error handler: an adapter may have taken the write permission away; give it back."""
    for folder in (Path(path).parent, Path(path)):
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    with contextlib.suppress(FileNotFoundError):
        function(path)


def remove_tree(folder: Path) -> None:
    """Delete a scratch folder, even one whose permissions an adapter changed."""
    if folder.exists():
        shutil.rmtree(folder, onerror=_make_writable)


def default_scratch() -> Path | None:
    """Where scratch folders go: a memory file system when there is one (cases are small and many)."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None
