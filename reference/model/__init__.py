"""The core model: frozen values that describe nodes, with no JSON and no I/O (spec/core/)."""
