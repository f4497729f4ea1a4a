# Sourced by every adapter's ci.sh: moves to the repository root and defines run_corpus.
# `bash .ci/run adapters` runs each ci.sh in turn; each ci.sh installs what its adapter needs from the
# project's own files, then calls run_corpus.
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::UserWarning}  # setuptools' page-long notes, as in .ci/run
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# run_corpus NAME FOLDER: the whole corpus against the registered adapter NAME, with the expectations of
# conformance/adapters/FOLDER/expectations.toml, in two adapter processes (CI machines have two cores);
# the reports go to build/reports/NAME/. The exit status is the run's: 0 only when every case met its
# expectation and no expectation is stale.
run_corpus() {
  .venv/bin/zn5 run --impl "$1" --jobs 2 --expectations "conformance/adapters/$2/expectations.toml" \
    --report-dir "build/reports/$1"
}
