#!/usr/bin/env bash
# zarrs against the corpus. The adapter is a Rust program (Rust 1.91 or later); cargo builds it from
# Cargo.lock (zarrs 0.23.14, zarrs_n5 0.2.1 and every dependency pinned) into target/ here (git-ignored),
# with the "conformance" profile of Cargo.toml: unoptimised for a quick cold build (about 1.5 minutes on
# one core, the bundled C of blosc and zstd compiled by the cc crate with the system's gcc), but with
# release semantics. One build job: the CI machines are shared. A second run rebuilds nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
cargo_build zarrs  # Rust 1.91 or later
# the Rust adapter kit's own tests, built from this adapter's Cargo.lock and profile (a few seconds)
cargo test --locked --quiet --lib --profile conformance --jobs "${CARGO_BUILD_JOBS:-1}" -p zn5-adapter-kit \
  --manifest-path conformance/adapters/zarrs/Cargo.toml
run_corpus zarrs zarrs
