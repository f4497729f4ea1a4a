"""``zn5.schemas``: the project's JSON Schemas, installed as package data (see zn5.conformance.resources)."""
