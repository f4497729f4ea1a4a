"""The write matrix: write cases on a par with the read cases, in each format where it has the feature.

The matrix is generated, not a cross product. Each axis (data type, codec chain, chunk layout, fill
value spelling, sharding layout, shape, attributes, hierarchy) is walked once per format, and the other
axes are drawn in turn beside it: the n-th data type gets the n-th chain of the format's list and the
n-th layout, so that every value of every axis appears in some case without the product of all of
them. Every case writes values the generator makes here, with NumPy, seeded from a hash of the case id;
the expected store is the target metadata the reference describes for the same options, and the
runner reads the written store back and checks its chunk bytes (spec/core/arrays.md).
"""

from zn5.conformance.generate.write_matrix.matrix import cases

__all__ = ["cases"]
