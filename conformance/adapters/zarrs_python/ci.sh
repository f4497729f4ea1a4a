#!/usr/bin/env bash
# zarrs-python against the corpus: the interop extra (zarrs and zarr pinned by constraints.txt), then every case
# from the corpus folders and again with the stores served over HTTP (zarr's FsspecStore, which zarrs' pipeline
# reads chunks through with its own HTTP store).
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus zarrs-python zarrs_python
run_corpus_http zarrs-python zarrs_python
