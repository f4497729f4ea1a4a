"""Stores: the key/value contract; memory, local directory and zip stores (spec/core/stores.md)."""
