package dev.zn5.adapters.zarrjava;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The capability tokens (conformance/corpus/capabilities.json) that zarr-java 0.0.9 claims.
 *
 * <p>A token is claimed when the library implements it for at least one of its formats; where it
 * does so only for one, the hello reply lists it for the other format as a format gap ({@link #FORMAT_GAPS},
 * with the reason), and the runner scores that format's cases needing it unsupported (PROTO-004).
 * Not claimed, because the library has no such type or codec at all: float16, complex, raw bits,
 * strings, datetimes; numcodecs bz2, lzma, lz4, crc32, delta; every N5 token.
 */
final class Capabilities {

    static final List<String> TOKENS = List.of(
        "format:zarr2",
        "format:zarr3",
        "op:read",
        "op:metadata",
        "op:write",
        "codec:bytes",
        "codec:transpose",
        "codec:blosc",
        "codec:gzip",
        "codec:zstd",
        "codec:crc32c",
        "codec:sharding_indexed",
        "codec:numcodecs.zlib",
        "dtype:bool",
        "dtype:int8",
        "dtype:int16",
        "dtype:int32",
        "dtype:int64",
        "dtype:uint8",
        "dtype:uint16",
        "dtype:uint32",
        "dtype:uint64",
        "dtype:float32",
        "dtype:float64",
        "chunk-key:default-slash",
        "chunk-key:default-dot",
        "chunk-key:v2-slash",
        "chunk-key:v2-dot",
        "feature:implicit-group",
        "feature:nested-sharding",
        "feature:undefined-fill",
        "feature:empty-axis",
        "feature:zero-dimensional",
        "store:http"
    );

    /** (format, token) to why: a claimed token zarr-java 0.0.9 does not have in that format. */
    static final Map<String, String> FORMAT_GAPS = Map.of(
        "zarr2 codec:gzip", "zarr-java 0.0.9 has no Zarr v2 gzip compressor (its v2 codecs are blosc and zlib; gzip is a v3 codec only)",
        "zarr2 codec:zstd", "zarr-java 0.0.9 has no Zarr v2 zstd compressor (its v2 codecs are blosc and zlib; zstd is a v3 codec only)",
        "zarr2 codec:crc32c", "zarr-java 0.0.9 has no Zarr v2 crc32c codec (its v2 codecs are blosc and zlib; crc32c is a v3 codec only)",
        "zarr3 codec:numcodecs.zlib", "zarr-java 0.0.9 has no Zarr v3 numcodecs.zlib codec (zlib is its Zarr v2 compressor only)"
    );

    private Capabilities() {
    }

    /** {@link #FORMAT_GAPS} by format: the tokens each format lacks, as the hello reply lists them. */
    static Map<String, List<String>> gapsByFormat() {
        return FORMAT_GAPS.keySet().stream().map(key -> key.split(" ", 2)).collect(
            Collectors.groupingBy(formatAndToken -> formatAndToken[0],
                Collectors.mapping(formatAndToken -> formatAndToken[1], Collectors.toList())));
    }
}
