#!/usr/bin/env bash
# GDAL's Zarr driver against the corpus. The adapter runs under Debian's /usr/bin/python3 with Debian's
# python3-gdal (GDAL 3.6.2 in bookworm, which pulls in python3-numpy), installed here when missing, the way
# .ci/run installs Chromium (CI runs as root on a fresh Debian machine); the runner is the project's .venv.
# Every case runs from the corpus folders, then with the stores served over HTTP (GDAL's /vsicurl/).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
if ! /usr/bin/python3 -c "import numpy, osgeo.gdal" 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 python3-gdal >/dev/null
fi
run_corpus gdal gdal
run_corpus_http gdal gdal
