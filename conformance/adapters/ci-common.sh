# Sourced by every adapter's ci.sh: moves to the repository root and defines run_corpus and run_corpus_http.
# `bash .ci/run adapters` runs each ci.sh in turn; each ci.sh installs what its adapter needs from the
# project's own files, then calls run_corpus (and run_corpus_http when the adapter reads over HTTP).
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::UserWarning}  # setuptools' page-long notes, as in .ci/run
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# run_corpus NAME FOLDER [JOBS]: the whole corpus against the registered adapter NAME, with the expectations
# of conformance/adapters/FOLDER/expectations.toml, in JOBS adapter processes (default two: CI machines have
# two cores); the reports go to build/reports/NAME/. The exit status is the run's: 0 only when every case
# met its expectation and no expectation is stale.
run_corpus() {
  zn5_run "$1" "$2" "${3:-2}" "build/reports/$1"
}

# run_corpus_http NAME FOLDER [JOBS]: run_corpus with --store http, for an adapter that declares store:http:
# each case that reads a store gets it from a local HTTP server that never lists (PROTO-021), the entries
# with store = "http" apply, and the reports go to build/reports/NAME.http/.
run_corpus_http() {
  zn5_run "$1" "$2" "${3:-2}" "build/reports/$1.http" --store http
}

# zn5_run NAME FOLDER JOBS REPORT_DIR [OPTION...]: the zn5 run of run_corpus and run_corpus_http.
zn5_run() {
  .venv/bin/zn5 run --impl "$1" --jobs "$3" --expectations "conformance/adapters/$2/expectations.toml" \
    --report-dir "$4" "${@:5}"
}

# cargo_build FOLDER: build the Rust adapter in conformance/adapters/FOLDER from its Cargo.lock with the
# "conformance" profile of its Cargo.toml (unoptimised for a quick cold build, with release semantics),
# in one build job unless CARGO_BUILD_JOBS says otherwise: the CI machines are shared.
cargo_build() {
  command -v cargo >/dev/null || { echo "$1 adapter: needs cargo" >&2; return 1; }
  cargo build --locked --profile conformance --jobs "${CARGO_BUILD_JOBS:-1}" \
    --manifest-path "conformance/adapters/$1/Cargo.toml"
}
