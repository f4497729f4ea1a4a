#!/usr/bin/env bash
# zarr-python 3 against the corpus: the interop extra (zarr, and fsspec with aiohttp for its FsspecStore, pinned
# by constraints.txt), then every case from the corpus folders and again with the stores served over HTTP.
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus zarr-python zarr_python
run_corpus_http zarr-python zarr_python
