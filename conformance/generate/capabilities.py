"""The closed vocabulary of capability tokens a case may require, and the profiles built from them."""

from __future__ import annotations

from zn5.conformance.generate.common import FORMATS
from zn5.reference.formats.zarr3 import CORE_TYPES as ZARR3_CORE_TYPES

DATA_TYPES = (
    *ZARR3_CORE_TYPES,  # bool and the integer, float and complex types
    "r8",
    "r16",
    "r24",
    "r32",
    "r64",
    "fixed_length_bytes",
    "fixed_length_utf32",
    "numpy.datetime64",
    "numpy.timedelta64",
    "string",
    "bytes",
    "ragged",
    "json",
    "structured",
)
CODECS = (
    "bytes",
    "transpose",
    "gzip",
    "numcodecs.zlib",
    "numcodecs.bz2",
    "numcodecs.lzma",
    "zstd",
    "blosc",
    "numcodecs.lz4",
    "crc32c",
    "numcodecs.crc32",
    "numcodecs.delta",
    "numcodecs.fixedscaleoffset",
    "numcodecs.quantize",
    "numcodecs.bitround",
    "numcodecs.astype",
    "numcodecs.packbits",
    "numcodecs.shuffle",
    "numcodecs.fletcher32",
    "numcodecs.adler32",
    "numcodecs.jenkins_lookup3",
    "sharding_indexed",
    "n5.block",
    "n5.lz4",
    "vlen-utf8",
    "vlen-bytes",
    "numcodecs.categorize",
    "numcodecs.vlen-array",
    "numcodecs.json2",
    "numcodecs.msgpack2",
)
FEATURES = {
    "feature:zero-dimensional": "arrays with no dimensions",
    "feature:empty-axis": "arrays with a zero-length axis",
    "feature:implicit-group": "nodes opened by path when ancestors have no group metadata",
    "feature:undefined-fill": "the Zarr v2 null fill value",
    "feature:nested-sharding": "shards whose inner chunks are shards",
    "feature:n5-varlength-block": "N5 blocks in varlength mode",
    "feature:known-deviations": "rules broken the way released writers break them (CORE-DEVIATION-*)",
}
STORES = {
    "store:http": "reads stores over HTTP from a server that does not list (zn5 run --store http, PROTO-022)",
}


def tokens() -> dict[str, str]:
    """Every token with a one-line meaning."""
    vocabulary = {f"format:{name}": f"reads or writes {name}" for name in FORMATS}
    vocabulary |= {f"op:{op}": f"performs {op} operations" for op in ("read", "metadata", "write")}
    vocabulary |= {f"dtype:{name}": f"supports the {name} data type" for name in DATA_TYPES}
    vocabulary |= {f"codec:{name}": f"supports the {name} codec" for name in CODECS}
    vocabulary |= {
        f"chunk-key:{name}-{separator}": f"chunk keys of the {name} encoding with '{symbol}'"
        for name in ("default", "v2")
        for separator, symbol in (("slash", "/"), ("dot", "."))
    }
    return vocabulary | FEATURES | STORES


PROFILE_NAMES = {
    "zarr2": ("zarr2-reader", "zarr2-writer"),
    "zarr3": ("zarr3-reader-core", "zarr3-writer-core"),
    "n5": ("n5-reader", "n5-writer"),
}
"""The reader and writer profile of each format, named as spec/conformance-classes.md names them."""


CORE_TYPES = tuple(
    f"dtype:{name}" for name in ("bool", *(f"{s}int{b}" for s in ("", "u") for b in (8, 16, 32, 64)))
)
FLOATS = ("dtype:float32", "dtype:float64")
REQUIRED: dict[str, tuple[str, ...]] = {
    "zarr2": (
        *CORE_TYPES,
        *FLOATS,
        *(f"codec:{name}" for name in ("bytes", "transpose", "gzip", "numcodecs.zlib", "blosc", "zstd")),
        "chunk-key:v2-dot",
        "chunk-key:v2-slash",
    ),
    "zarr3": (
        *CORE_TYPES,
        *FLOATS,
        *(f"codec:{name}" for name in ("bytes", "transpose", "gzip", "blosc", "zstd", "crc32c")),
        *(f"chunk-key:{name}-{separator}" for name in ("default", "v2") for separator in ("slash", "dot")),
    ),
    "n5": (
        *(token for token in CORE_TYPES if token != "dtype:bool"),
        *FLOATS,
        *(
            f"codec:{name}"
            for name in ("n5.block", "gzip", "numcodecs.zlib", "numcodecs.bz2", "numcodecs.lzma")
        ),
        "codec:n5.lz4",
        "chunk-key:v2-slash",
    ),
}
"""The required capabilities of each format's reader and writer profiles, the table of
spec/conformance-classes.md as tokens (N5's raw, gzip with and without useZlib, bzip2, xz and lz4 are
``n5.block`` with no codec, ``gzip``, ``numcodecs.zlib``, ``numcodecs.bz2``, ``numcodecs.lzma`` and
``n5.lz4``)."""


def profiles() -> dict[str, dict[str, object]]:
    """Conformance classes: the cases of a format and operation (spec/conformance-classes.md).

    A profile covers the cases of its kinds that require all of its ``requires`` tokens (its scope), and
    an adapter claims it by declaring all of its ``capabilities``: the scope and the profile's required
    capabilities (CONF-CLASS-002). ``zarr3-sharding`` needs what ``zarr3-reader-core`` needs and more,
    so a claim of it is a claim of ``zarr3-reader-core`` too (CONF-ZARR3-002), and it is conformant only
    with it (``builds_on``, CONF-CLASS-005). The spec's token tables list the same (CONF-CLASS-004).
    """
    found: dict[str, dict[str, object]] = {}
    for name in FORMATS:
        reader, writer = PROFILE_NAMES[name]
        for profile, op, kinds in ((reader, "read", ["read", "reject"]), (writer, "write", ["write"])):
            scope = [f"format:{name}", f"op:{op}"]
            found[profile] = {
                "requires": scope,
                "capabilities": sorted({*scope, *REQUIRED[name]}),
                "kinds": kinds,
            }
        found[f"{name}-metadata"] = {"requires": [f"format:{name}", "op:metadata"], "kinds": ["metadata"]}
    sharding_scope = ["format:zarr3", "op:read", "codec:sharding_indexed"]
    found["zarr3-sharding"] = {
        "requires": sharding_scope,
        "capabilities": sorted({*sharding_scope, *REQUIRED["zarr3"]}),
        "kinds": ["read", "reject"],
        "builds_on": "zarr3-reader-core",
    }
    found["cross-format"] = {"requires": ["op:read"], "kinds": ["equivalence"]}
    return found
