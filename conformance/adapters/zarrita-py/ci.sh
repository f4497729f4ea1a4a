#!/usr/bin/env bash
# zarrita (Python) against the corpus. The adapter runs in its own virtual environment (.venv here,
# git-ignored), made from requirements.txt, which pins zarrita 0.2.7 and everything it needs exactly
# (zarrita wants zstandard<0.22, the project zstandard>=0.22); the runner is the project's .venv.
# Every case runs from the corpus folders, then with the stores served over HTTP (zarrita's RemoteStore).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
[ -x "$here/.venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: -r "$here/requirements.txt"
run_corpus zarrita-py zarrita-py
run_corpus_http zarrita-py zarrita-py
