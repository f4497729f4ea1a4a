#!/usr/bin/env bash
# zarr-python 3 against the corpus: install the interop extra (zarr pinned by constraints.txt), then run
# every case with this adapter's expectations. Runs from any folder; idempotent.
set -euo pipefail
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::UserWarning}  # setuptools' page-long notes, as in .ci/run
cd "$(dirname "$0")/../../.."
name=zarr-python
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[interop]'
exec .venv/bin/zn5 run --impl "$name" \
  --expectations conformance/adapters/zarr_python/expectations.toml --report-dir "build/reports/$name"
