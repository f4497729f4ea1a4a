package dev.zn5.adapters.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import com.scalableminds.bloscjava.Blosc;
import dev.zarr.zarrjava.ZarrException;
import dev.zarr.zarrjava.core.Attributes;
import dev.zarr.zarrjava.core.chunkkeyencoding.Separator;
import dev.zarr.zarrjava.v2.Order;
import dev.zarr.zarrjava.v3.codec.Codec;
import dev.zarr.zarrjava.v3.codec.core.BloscCodec;
import dev.zarr.zarrjava.v3.codec.core.BytesCodec;
import dev.zarr.zarrjava.v3.codec.core.Crc32cCodec;
import dev.zarr.zarrjava.v3.codec.core.GzipCodec;
import dev.zarr.zarrjava.v3.codec.core.ShardingIndexedCodec;
import dev.zarr.zarrjava.v3.codec.core.TransposeCodec;
import dev.zarr.zarrjava.v3.codec.core.ZstdCodec;
import dev.zn5.kit.AdapterKit;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The zarr-java metadata objects for a canonical node description (the target of a write case):
 * the inverse of {@link Describe}. What zarr-java cannot express is refused with an
 * {@link Unsupported}, which the adapter reports as a skipped write (the library is never asked).
 */
final class Create {

    /** The description asks for something zarr-java has no way to write. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;
        Unsupported(String message) {
            super(message);
        }
    }

    private Create() {
    }

    static Attributes attributes(JsonNode description) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = AdapterKit.JSON.convertValue(description.get("attributes"), Map.class);
        return new Attributes(map);
    }

    static dev.zarr.zarrjava.v3.ArrayMetadata v3(JsonNode description) throws Unsupported, ZarrException {
        String dataType = description.get("data_type").asText();
        dev.zarr.zarrjava.v3.DataType type = v3Type(dataType);
        var builder = dev.zarr.zarrjava.v3.Array.metadataBuilder()
            .withShape(longs(description.get("shape")))
            .withDataType(type)
            .withChunkShape(ints(description.at("/chunk_grid/chunk_shape")))
            .withFillValue(fillValue(description.get("fill_value"), dataType))
            .withCodecs(v3Codecs(description.get("codecs")))
            .withAttributes(attributes(description));
        Separator separator = separator(description.at("/chunk_key_encoding/separator").asText());
        String encoding = description.at("/chunk_key_encoding/name").asText();
        if (encoding.equals("default")) {
            builder = builder.withDefaultChunkKeyEncoding(separator);
        } else if (encoding.equals("v2")) {
            builder = builder.withV2ChunkKeyEncoding(separator);
        } else {
            throw new Unsupported("zarr-java has no chunk key encoding " + encoding);
        }
        JsonNode names = description.get("dimension_names");
        if (names != null && !names.isNull()) {
            String[] array = new String[names.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = names.get(i).isNull() ? null : names.get(i).asText();
            }
            builder = builder.withDimensionNames(array);
        }
        return builder.build();
    }

    static Codec[] v3Codecs(JsonNode chain) throws Unsupported, ZarrException {
        Codec[] codecs = new Codec[chain.size()];
        for (int i = 0; i < codecs.length; i++) {
            JsonNode codec = chain.get(i);
            JsonNode config = codec.get("configuration");
            String name = codec.get("name").asText();
            switch (name) {
                case "bytes":
                    codecs[i] = config.has("endian") ? new BytesCodec(endian(config.get("endian").asText())) : new BytesCodec();
                    break;
                case "transpose":
                    codecs[i] = new TransposeCodec(new TransposeCodec.Configuration(ints(config.get("order"))));
                    break;
                case "blosc":
                    codecs[i] = new BloscCodec(new BloscCodec.Configuration(compressor(config), shuffle(config),
                        config.get("clevel").asInt(), config.path("typesize").asInt(0), config.path("blocksize").asInt(0)));
                    break;
                case "gzip":
                    codecs[i] = new GzipCodec(new GzipCodec.Configuration(config.get("level").asInt()));
                    break;
                case "zstd":
                    codecs[i] = new ZstdCodec(new ZstdCodec.Configuration(config.get("level").asInt(),
                        config.get("checksum").asBoolean()));
                    break;
                case "crc32c":
                    codecs[i] = new Crc32cCodec();
                    break;
                case "sharding_indexed":
                    codecs[i] = new ShardingIndexedCodec(new ShardingIndexedCodec.Configuration(
                        ints(config.get("chunk_shape")), v3Codecs(config.get("codecs")),
                        v3Codecs(config.get("index_codecs")), config.get("index_location").asText()));
                    break;
                default:
                    throw new Unsupported("zarr-java has no Zarr v3 codec " + name);
            }
        }
        return codecs;
    }

    static dev.zarr.zarrjava.v2.ArrayMetadata v2(JsonNode description) throws Unsupported, ZarrException {
        String dataType = description.get("data_type").asText();
        var builder = dev.zarr.zarrjava.v2.Array.metadataBuilder()
            .withShape(longs(description.get("shape")))
            .withChunks(ints(description.at("/chunk_grid/chunk_shape")))
            .withDataType(v2Type(dataType))
            .withFillValue(fillValue(description.get("fill_value"), dataType))
            .withDimensionSeparator(separator(description.at("/chunk_key_encoding/separator").asText()))
            .withAttributes(attributes(description));
        if (!description.at("/chunk_key_encoding/name").asText().equals("v2")) {
            throw new Unsupported("a Zarr v2 array has only the v2 chunk key encoding");
        }
        JsonNode chain = description.get("codecs");
        int ndim = description.get("shape").size();
        int index = 0;
        if (index < chain.size() && chain.get(index).get("name").asText().equals("transpose")) {
            int[] order = ints(chain.get(index).at("/configuration/order"));
            for (int axis = 0; axis < ndim; axis++) {
                if (order[axis] != ndim - 1 - axis) {
                    throw new Unsupported("a Zarr v2 array has no transpose other than order F");
                }
            }
            builder = builder.withOrder(Order.F);
            index++;
        }
        JsonNode bytes = chain.get(index);
        if (bytes == null || !bytes.get("name").asText().equals("bytes")) {
            throw new Unsupported("zarr-java has no Zarr v2 array filters");
        }
        if (bytes.at("/configuration/endian").asText("little").equals("big")) {
            throw new Unsupported("zarr-java has no big-endian Zarr v2 data types");
        }
        index++;
        if (index < chain.size() - 1) {
            throw new Unsupported("zarr-java writes no Zarr v2 filters, only a compressor");
        }
        if (index < chain.size()) {
            JsonNode compressor = chain.get(index);
            JsonNode config = compressor.get("configuration");
            switch (compressor.get("name").asText()) {
                case "blosc":
                    builder = builder.withCompressor(new dev.zarr.zarrjava.v2.codec.core.BloscCodec(compressor(config),
                        shuffle(config), config.get("clevel").asInt(), config.path("typesize").asInt(0),
                        config.path("blocksize").asInt(0)));
                    break;
                case "numcodecs.zlib":
                    builder = builder.withCompressor(new dev.zarr.zarrjava.v2.codec.core.ZlibCodec(config.get("level").asInt()));
                    break;
                default:
                    throw new Unsupported("zarr-java has no Zarr v2 compressor for " + compressor.get("name").asText());
            }
        }
        return builder.build();
    }

    static dev.zarr.zarrjava.v3.DataType v3Type(String dataType) throws Unsupported {
        try {
            return dev.zarr.zarrjava.v3.DataType.valueOf(dataType.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException error) {
            throw new Unsupported("zarr-java has no Zarr v3 data type " + dataType);
        }
    }

    static dev.zarr.zarrjava.v2.DataType v2Type(String dataType) throws Unsupported {
        try {
            return dev.zarr.zarrjava.v2.DataType.valueOf(dataType.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException error) {
            throw new Unsupported("zarr-java has no Zarr v2 data type " + dataType);
        }
    }

    private static Separator separator(String value) throws Unsupported {
        switch (value) {
            case "/": return Separator.SLASH;
            case ".": return Separator.DOT;
            default: throw new Unsupported("zarr-java has no separator " + value);
        }
    }

    private static BytesCodec.Endian endian(String value) {
        return value.equals("big") ? BytesCodec.Endian.BIG : BytesCodec.Endian.LITTLE;
    }

    private static Blosc.Compressor compressor(JsonNode config) throws Unsupported {
        Blosc.Compressor compressor = Blosc.Compressor.fromString(config.get("cname").asText());
        if (compressor == null) {
            throw new Unsupported("zarr-java's blosc has no compressor " + config.get("cname").asText());
        }
        return compressor;
    }

    private static Blosc.Shuffle shuffle(JsonNode config) throws Unsupported {
        switch (config.get("shuffle").asText()) {
            case "noshuffle": return Blosc.Shuffle.NO_SHUFFLE;
            case "shuffle": return Blosc.Shuffle.BYTE_SHUFFLE;
            case "bitshuffle": return Blosc.Shuffle.BIT_SHUFFLE;
            default: throw new Unsupported("zarr-java's blosc has no shuffle " + config.get("shuffle").asText());
        }
    }

    /**
     * The fill value as the Java value zarr-java takes (and writes to JSON): the canonical hex bytes
     * read as the element type; unsigned 32- and 64-bit values widened so that JSON shows them unsigned.
     */
    static Object fillValue(JsonNode tagged, String dataType) {
        if (tagged == null || tagged.isNull()) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(HexFormat.of().parseHex(tagged.get("hex").asText())).order(ByteOrder.LITTLE_ENDIAN);
        switch (dataType) {
            case "bool": return bytes.get() != 0;
            case "int8": return bytes.get();
            case "uint8": return Byte.toUnsignedInt(bytes.get());
            case "int16": return bytes.getShort();
            case "uint16": return Short.toUnsignedInt(bytes.getShort());
            case "int32": return bytes.getInt();
            case "uint32": return Integer.toUnsignedLong(bytes.getInt());
            case "int64": return bytes.getLong();
            case "uint64": return new BigInteger(Long.toUnsignedString(bytes.getLong()));
            case "float32": return bytes.getFloat();
            case "float64": return bytes.getDouble();
            default: throw new IllegalArgumentException("no fill value conversion for " + dataType);
        }
    }

    static long[] longs(JsonNode list) {
        long[] values = new long[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = list.get(i).asLong();
        }
        return values;
    }

    static int[] ints(JsonNode list) {
        int[] values = new int[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = list.get(i).asInt();
        }
        return values;
    }
}
