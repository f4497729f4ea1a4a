"""zn5.conformance: the corpus, the runner, the adapters and the project's command line tools."""
