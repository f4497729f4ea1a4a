#!/usr/bin/env bash
# zarr.js against the corpus. The adapter is a Node program (Node 20 or later); `npm ci` installs
# exactly what package-lock.json pins (zarr 0.6.3 and its dependencies) into node_modules here
# (git-ignored; npm's download cache makes a second install quick); the runner is the project's .venv.
# Every case runs from the corpus folders, then with the stores served over HTTP (zarr.js' HTTPStore).
# The JavaScript adapter kit's own tests run in the zarrita-js adapter's ci.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
node -e 'if (Number(process.versions.node.split(".")[0]) < 20) { console.error(`zarr-js adapter: Node 20 or later needed, found ${process.version}`); process.exit(1); }'
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
run_corpus zarr-js zarr-js
run_corpus_http zarr-js zarr-js
