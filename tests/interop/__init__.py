"""Interoperability with real libraries: each writes, the reference reads, and the other way round.

Needs the ``interop`` extra; the plain ``pytest`` run ignores this folder (``.ci/run interop`` runs it).
"""
