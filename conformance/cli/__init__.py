"""The ``zn5`` command: one entry point, one sub-command per job.

Each sub-command lives in its own module, which exposes ``register(subparsers)``; this module only
collects them. A sub-command's handler returns the process exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from importlib import import_module

SUBCOMMAND_MODULES = (
    "zn5.conformance.cli.inspect",
    "zn5.conformance.cli.corpus",
    "zn5.conformance.cli.rfc",
    "zn5.conformance.cli.run",
    "zn5.conformance.validation.command",
    "zn5.conformance.interop",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="zn5", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``zn5`` with ``argv`` (default: the process arguments) and return the exit code."""
    arguments = build_parser().parse_args(argv)
    handler: Handler = arguments.handler
    return handler(arguments)
