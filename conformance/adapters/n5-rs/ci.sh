#!/usr/bin/env bash
# The n5 crate against the corpus. The adapter is a Rust program; cargo builds it from Cargo.lock (n5
# 0.7.6 with its default features and every dependency pinned) into target/ here (git-ignored), with the
# "conformance" profile of Cargo.toml, as the zarrs adapter's: unoptimised for a quick cold build, with
# release semantics. One build job: the CI machines are shared. A second run rebuilds nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../ci-common.sh"
cargo_build n5-rs
run_corpus n5-rs n5-rs
