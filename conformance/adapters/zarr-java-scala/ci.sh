#!/usr/bin/env bash
# zarr-java driven from Scala against the corpus: build the adapter's runnable JAR with Maven alone (Scala
# 2.13.16 through scala-maven-plugin 4.9.2, zarr-java 0.0.9, every plugin pinned in pom.xml, from Maven
# Central into the default ~/.m2), then run every case from the corpus folders and again with the stores served
# over HTTP (zarr-java's HttpStore).
set -euo pipefail
source "$(dirname "$0")/../ci-common.sh"
command -v mvn >/dev/null && command -v java >/dev/null || { echo "zarr-java-scala: needs java (17+) and mvn" >&2; exit 1; }
mvn -B -q -f conformance/adapters/zarr-java-scala/pom.xml package -DskipTests
run_corpus zarr-java-scala zarr-java-scala
run_corpus_http zarr-java-scala zarr-java-scala
