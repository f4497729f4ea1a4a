#!/usr/bin/env bash
# zarr-python 2 against the corpus. The adapter runs in its own virtual environment (.venv here,
# git-ignored), made from requirements.txt, which pins zarr 2 and everything it needs exactly; the
# runner is the project's .venv. Every case runs from the corpus folders, then with the stores served over HTTP
# (zarr 2's FSStore and N5FSStore on fsspec's HTTP file system, pinned in requirements.txt too).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
[ -x "$here/.venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
run_corpus zarr-python-2 zarr-python-2
run_corpus_http zarr-python-2 zarr-python-2
