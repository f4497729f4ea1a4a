"""``zn5.schemas``: the project's JSON Schemas, installed as package data.

See zn5.conformance.suite.resources.
"""
