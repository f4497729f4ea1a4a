"""Codecs: one per module, each declaring its spec name, kind and dialect aliases (spec/codecs/)."""
