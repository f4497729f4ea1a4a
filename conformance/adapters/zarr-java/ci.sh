#!/usr/bin/env bash
# zarr-java against the corpus: build the adapter's runnable JAR with Maven (zarr-java 0.0.9 and every
# plugin pinned in pom.xml, from Maven Central into the default ~/.m2), running the Java adapter kit's own
# tests on the way (conformance/adapters/kits/java/test), then run every case from the corpus folders and
# again with the stores served over HTTP (zarr-java's HttpStore, on okhttp 2.7.5, which zarr-java pulls in).
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
command -v mvn >/dev/null && command -v java >/dev/null || { echo "zarr-java: needs java (17+) and mvn" >&2; exit 1; }
mvn -B -q -f conformance/adapters/zarr-java/pom.xml package
run_corpus zarr-java zarr-java
run_corpus_http zarr-java zarr-java
