#!/usr/bin/env bash
# zarrs-python against the corpus: the interop extra (zarrs and zarr pinned by constraints.txt), then every case.
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus zarrs-python zarrs_python
