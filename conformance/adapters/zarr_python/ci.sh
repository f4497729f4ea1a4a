#!/usr/bin/env bash
# zarr-python 3 against the corpus: the interop extra (zarr pinned by constraints.txt), then every case.
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus zarr-python zarr_python
