"""How the runner reaches a registered adapter: a subprocess by its ``adapter.json``, or the reference
in this process (the default of ``zn5 run``), through the same protocol messages either way."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Final

from zn5.conformance.adapters import registered
from zn5.conformance.adapters.reference import ReferenceAdapter
from zn5.conformance.execution.connection import Connection, InProcessConnection, SubprocessConnection
from zn5.conformance.suite.case import Corpus
from zn5.reference.formats.deviations import LenientReadWarning

REFERENCE: Final = "reference"


def adapter_connector(name: str, corpus: Corpus, *, in_process: bool = False) -> Callable[[], Connection]:
    """How to start the registered adapter ``name``; KeyError says which adapters exist.

    ``in_process`` runs the reference inside this process (the default of ``zn5 run``), through the same
    protocol messages a subprocess adapter gets.
    """
    if name == REFERENCE and in_process:
        vocabulary = corpus.root / "capabilities.json"
        warnings.simplefilter("ignore", LenientReadWarning)
        return lambda: InProcessConnection(ReferenceAdapter(vocabulary), "in process: zn5.reference")
    adapters = registered()
    registration = adapters.get(name)
    if registration is None:
        raise KeyError(f"no adapter named {name!r}; registered: {', '.join(sorted(adapters)) or 'none'}")
    return lambda: SubprocessConnection(registration.command, registration.cwd)
