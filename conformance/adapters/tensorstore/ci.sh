#!/usr/bin/env bash
# tensorstore against the corpus: the interop extra (tensorstore pinned by constraints.txt), then every case from
# the corpus folders (kvstore driver file) and again with the stores served over HTTP (kvstore driver http).
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus tensorstore tensorstore
run_corpus_http tensorstore tensorstore
