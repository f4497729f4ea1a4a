"""One-file adapter kits, a folder per language, for adapters that run without zn5 (the guide links them)."""
