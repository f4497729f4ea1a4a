"""``zn5 validate``: check a whole store against the spec and report every problem at once.

Each metadata document goes through its JSON Schema (``schemas/``) and through the reference's dialect
parser; every key under an array must be a chunk key of its encoding inside its grid; Zarr nodes should
have a group document for every ancestor; with ``--chunks`` every stored chunk is decoded and its headers
(blosc, N5 block) are compared with the metadata (CODEC-BLOSC-004, N5-BLOCK-008). Each problem
names its store key, its JSON location, what is wrong, the requirement it breaks and its level:
``error`` (a broken MUST), ``warning`` (a broken SHOULD) or ``deviation`` (a known real-world deviation
that readers accept, reported as the violation it is; DECISIONS.md section 4).

The store is read in two streaming passes over its key listing: the first keeps only the metadata
document keys, the second checks (and with ``--chunks`` decodes) one key at a time. Neither the list of
chunk keys nor more than one chunk is ever held in memory. The chunks go to a checker
(``validation.chunks``): serially in this process, or with ``--dask`` in batches on a dask
cluster (``validation.scale``), whose report is the serial one (CONF-VALIDATE-001). On a terminal,
and not with ``--json``, a progress bar on stderr follows the second pass.

Text output is one line per problem, ``key: location: level: message [ID]``, then a summary line;
``--json`` prints one object that follows ``schemas/project/validate-report.schema.json``. A deviation
also names the known-deviation entry that lets readers read it (CORE-DEVIATION-001 to -012). The exit
code is 1 when any error is found (with ``--strict``, any deviation too), 2 when the store cannot be
opened, else 0.

This module is the command; the walk is ``validation.walk``, the schemas ``validation.schemas`` and the
output ``validation.report``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zn5.conformance.validation.report import format_line, report, summary
from zn5.conformance.validation.scale import ScaleError, TerminalProgress, check_cluster_spec, checker_for
from zn5.conformance.validation.walk import Validation
from zn5.reference.api import as_store
from zn5.reference.errors import ZN5Error
from zn5.reference.formats.dialect import DIALECTS
from zn5.reference.store.remote import is_remote_url


def storage_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as storage options; a value that is JSON (``true``, ``3``, ``{...}``) is decoded,
    any other is a string; a dotted key (``client_kwargs.endpoint_url``) makes nested options."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--storage-option {pair!r}: expected KEY=VALUE")
        try:
            value: Any = json.loads(text)
        except json.JSONDecodeError:
            value = text
        *parents, leaf = name.split(".")
        target = options
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return options


def run(arguments: argparse.Namespace) -> int:
    """Validate one store; exit 1 when it has an error (or, with ``--strict``, a deviation), 2 when it
    cannot be opened."""
    path: str = arguments.path
    local = path[len("file://") :] if path.startswith("file://") else path
    if not is_remote_url(path) and "://" not in path and not Path(local).exists():
        print(f"zn5 validate: {path}: no such file or directory", file=sys.stderr)
        return 2
    try:
        store = as_store(path, "r", storage_options=storage_options(arguments.storage_options))
    except (ZN5Error, OSError, ValueError) as error:
        print(f"zn5 validate: {path}: cannot open the store: {error}", file=sys.stderr)
        return 2
    if arguments.dask is not None and not arguments.chunks:
        print("zn5 validate: --dask needs --chunks (the cluster decodes chunks)", file=sys.stderr)
        return 2
    try:
        with checker_for(arguments.dask) as (checker, where):
            shown = not arguments.json and sys.stderr.isatty()
            progress = TerminalProgress(where) if shown else None
            validation = Validation(
                store,
                format_name=arguments.format_name,
                chunks=arguments.chunks,
                paths=arguments.node_paths,
                checker=checker,
                progress=progress,
            )
            try:
                _print_report(str(path), validation, progress, as_json=arguments.json)
            finally:
                if progress is not None:
                    progress.close()
    except ScaleError as error:
        print(f"zn5 validate: {path}: {error}", file=sys.stderr)
        return 2
    failing = validation.counts.levels["error"] + (
        validation.counts.levels["deviation"] if arguments.strict else 0
    )
    return 1 if failing else 0


def _print_report(
    store_path: str, validation: Validation, progress: TerminalProgress | None, *, as_json: bool
) -> None:
    """Run the validation and print its report: text line by line, as problems are found, or JSON."""
    if as_json:
        problems = list(validation.problems())
        print(json.dumps(report(store_path, validation, problems), indent=2, ensure_ascii=False))
        return
    write = print if progress is None else progress.write
    for problem in validation.problems():
        write(format_line(problem))
    write(summary(store_path, validation))


def register(subparsers: Any) -> None:
    """Add ``zn5 validate``."""
    parser = subparsers.add_parser(
        "validate",
        help="check a whole store against the spec and report every problem",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "path",
        help="the store: a directory, a .zip file, or a URL (file://, s3://, gs://, http(s)://; "
        "remote stores need pip install 'zn5[remote]')",
    )
    parser.add_argument(
        "--storage-option",
        dest="storage_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an fsspec storage option for a URL (repeat; JSON values are decoded, dotted keys nest: "
        "client_kwargs.endpoint_url=http://...); S3 and GCS are anonymous unless credentials are given",
    )
    parser.add_argument(
        "--path",
        dest="node_paths",
        action="append",
        default=[],
        metavar="NODE",
        help="a node to check in a store that cannot be listed (HTTP), besides what consolidated "
        "metadata names (repeat)",
    )
    parser.add_argument(
        "--chunks",
        action="store_true",
        help="also decode every stored chunk and compare its headers with the metadata",
    )
    parser.add_argument(
        "--dask",
        metavar="CLUSTER",
        type=check_cluster_spec,
        help="with --chunks, decode the chunks on a dask cluster: local:N starts N local workers, "
        "tcp://HOST:PORT uses a running scheduler (pip install 'zn5[dask]'); the report is the same",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report instead of text")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 on known deviations too (they are read, and reported)"
    )
    parser.add_argument(
        "--format",
        dest="format_name",
        choices=sorted(DIALECTS),
        help="validate only the metadata of this format (default: every format found)",
    )
    parser.set_defaults(handler=run)
