#!/usr/bin/env bash
# z5py against the corpus: the interop extra (z5py pinned by constraints.txt), then every case.
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
run_corpus z5py z5py
