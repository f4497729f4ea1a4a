#!/usr/bin/env bash
# tensorstore against the corpus: the interop extra (tensorstore pinned by constraints.txt), then every case.
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus tensorstore tensorstore
