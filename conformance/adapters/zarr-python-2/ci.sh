#!/usr/bin/env bash
# zarr-python 2 against the corpus. The adapter runs in its own virtual environment (.venv here,
# git-ignored), made from requirements.txt, which pins zarr 2 and everything it needs exactly; the
# runner is the project's .venv. Runs from any folder; idempotent.
set -euo pipefail
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::UserWarning}  # setuptools' page-long notes, as in .ci/run
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
name=zarr-python-2
[ -x "$here/.venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
exec .venv/bin/zn5 run --impl "$name" \
  --expectations conformance/adapters/zarr-python-2/expectations.toml --report-dir "build/reports/$name"
