#!/usr/bin/env bash
# zarrita.js against the corpus. The adapter is a Node program (Node 20 or later); `npm ci` installs
# exactly what package-lock.json pins (zarrita 0.7.5, @zarrita/storage 0.2.0 and their dependencies) into
# node_modules here (git-ignored); the runner is the project's .venv. Every case runs from the corpus folders,
# then with the stores served over HTTP (zarrita's FetchStore on Node's fetch).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
node -e 'if (Number(process.versions.node.split(".")[0]) < 20) { console.error(`zarrita-js adapter: Node 20 or later needed, found ${process.version}`); process.exit(1); }'
node --test --test-reporter=dot "$here/../kits/javascript/"  # the JavaScript adapter kit's own tests, before it serves the run
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
run_corpus zarrita-js zarrita-js
run_corpus_http zarrita-js zarrita-js
