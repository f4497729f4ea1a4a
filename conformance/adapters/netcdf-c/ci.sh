#!/usr/bin/env bash
# netCDF-C's NCZarr against the corpus, through Debian's python3-netcdf4 (netCDF4-python 1.6.2 on libnetcdf
# 4.9.0) under Debian's /usr/bin/python3; netcdf-bin brings ncdump and nccopy, which netcdf_reproduce.py uses. CI runs
# as root on a fresh Debian bookworm machine, so the packages are installed with apt-get when missing.
# One adapter process (--jobs 1): libnetcdf 4.9.0 kills the process with SIGSEGV on several stores of the
# corpus, and in one process the order of the cases is fixed, so those crashes never come three in a row and
# the runner's restart budget (PROTO-014) never ends the run early.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
if ! /usr/bin/python3 -c "import netCDF4" 2>/dev/null || ! command -v ncdump >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-netcdf4 netcdf-bin >/dev/null
fi
run_corpus netcdf-c netcdf-c 1
