package dev.zn5.adapters.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scalableminds.bloscjava.Blosc;
import dev.zarr.zarrjava.core.chunkkeyencoding.Separator;
import dev.zarr.zarrjava.v2.Endianness;
import dev.zarr.zarrjava.v2.Order;
import dev.zarr.zarrjava.v3.chunkkeyencoding.DefaultChunkKeyEncoding;
import dev.zarr.zarrjava.v3.chunkkeyencoding.V2ChunkKeyEncoding;
import dev.zarr.zarrjava.v3.codec.core.BloscCodec;
import dev.zarr.zarrjava.v3.codec.core.BytesCodec;
import dev.zarr.zarrjava.v3.codec.core.Crc32cCodec;
import dev.zarr.zarrjava.v3.codec.core.GzipCodec;
import dev.zarr.zarrjava.v3.codec.core.ShardingIndexedCodec;
import dev.zarr.zarrjava.v3.codec.core.TransposeCodec;
import dev.zarr.zarrjava.v3.codec.core.ZstdCodec;
import dev.zn5.kit.AdapterKit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The canonical description of a node (schemas/project/node.schema.json) from what zarr-java parsed:
 * the conversion of its v2 and v3 metadata objects to the core model, nothing else. A Zarr v2 array
 * becomes the chain the core model gives it: [transpose for order F], bytes with the byte order of
 * its dtype, its filters, its compressor.
 */
final class Describe {

    private Describe() {
    }

    /** The canonical name of a zarr-java data type (v2 or v3): its enum constant, lower case. */
    static String dataType(dev.zarr.zarrjava.core.DataType type) {
        return ((Enum<?>) type).name().toLowerCase(Locale.ROOT);
    }

    static ObjectNode group(Map<String, Object> attributes) {
        ObjectNode node = AdapterKit.JSON.createObjectNode();
        node.put("node_type", "group");
        node.set("attributes", attributes(attributes));
        return node;
    }

    static ObjectNode v3(dev.zarr.zarrjava.v3.ArrayMetadata metadata) {
        ObjectNode node = common(metadata, dataType(metadata.dataType));
        ObjectNode encoding = node.putObject("chunk_key_encoding");
        if (metadata.chunkKeyEncoding instanceof DefaultChunkKeyEncoding) {
            encoding.put("name", "default");
            encoding.put("separator", ((DefaultChunkKeyEncoding) metadata.chunkKeyEncoding).configuration.separator.getValue());
        } else if (metadata.chunkKeyEncoding instanceof V2ChunkKeyEncoding) {
            encoding.put("name", "v2");
            encoding.put("separator", ((V2ChunkKeyEncoding) metadata.chunkKeyEncoding).configuration.separator.getValue());
        } else {
            throw new IllegalStateException("unknown chunk key encoding " + metadata.chunkKeyEncoding);
        }
        node.set("fill_value", fillValue(metadata.parsedFillValue, dataType(metadata.dataType)));
        node.set("codecs", v3Codecs(metadata.codecs));
        if (metadata.dimensionNames == null) {
            node.putNull("dimension_names");
        } else {
            ArrayNode names = node.putArray("dimension_names");
            for (String name : metadata.dimensionNames) {
                names.add(name);
            }
        }
        node.set("attributes", attributes(metadata.attributes));
        return node;
    }

    static ObjectNode v2(dev.zarr.zarrjava.v2.ArrayMetadata metadata) {
        String type = dataType(metadata.dataType);
        ObjectNode node = common(metadata, type);
        ObjectNode encoding = node.putObject("chunk_key_encoding");
        encoding.put("name", "v2");
        Separator separator = metadata.dimensionSeparator == null ? Separator.DOT : metadata.dimensionSeparator;
        encoding.put("separator", separator.getValue());
        node.set("fill_value", fillValue(metadata.parsedFillValue, type));
        ArrayNode codecs = AdapterKit.JSON.createArrayNode();
        int ndim = metadata.ndim();
        if (metadata.order == Order.F && ndim > 1) {
            ObjectNode transpose = codec(codecs, "transpose");
            ArrayNode order = transpose.putArray("order");
            for (int axis = ndim - 1; axis >= 0; axis--) {
                order.add(axis);
            }
        }
        ObjectNode bytes = codec(codecs, "bytes");
        if (metadata.endianness != Endianness.UNSPECIFIED) {
            bytes.put("endian", metadata.endianness == Endianness.LITTLE ? "little" : "big");
        }
        if (metadata.filters != null) {
            for (dev.zarr.zarrjava.v2.codec.Codec filter : metadata.filters) {
                v2Codec(codecs, filter);
            }
        }
        if (metadata.compressor != null) {
            v2Codec(codecs, metadata.compressor);
        }
        node.set("codecs", codecs);
        node.putNull("dimension_names");
        node.set("attributes", attributes(metadata.attributes));
        return node;
    }

    private static ObjectNode common(dev.zarr.zarrjava.core.ArrayMetadata metadata, String type) {
        ObjectNode node = AdapterKit.JSON.createObjectNode();
        node.put("node_type", "array");
        ArrayNode shape = node.putArray("shape");
        for (long length : metadata.shape) {
            shape.add(length);
        }
        node.put("data_type", type);
        ObjectNode grid = node.putObject("chunk_grid");
        grid.put("name", "regular");
        ArrayNode chunks = grid.putArray("chunk_shape");
        for (int length : metadata.chunkShape()) {
            chunks.add(length);
        }
        return node;
    }

    private static JsonNode attributes(Map<String, Object> attributes) {
        return attributes == null ? AdapterKit.JSON.createObjectNode() : AdapterKit.JSON.valueToTree(attributes);
    }

    /** How a fill value zarr-java parsed, by its class, goes onto a little-endian buffer. */
    private static final Map<Class<?>, BiConsumer<ByteBuffer, Object>> PUT_FILL = Map.of(
        Boolean.class, (out, value) -> out.put((byte) ((Boolean) value ? 1 : 0)),
        Byte.class, (out, value) -> out.put((Byte) value),
        Short.class, (out, value) -> out.putShort((Short) value),
        Integer.class, (out, value) -> out.putInt((Integer) value),
        Long.class, (out, value) -> out.putLong((Long) value),
        Float.class, (out, value) -> out.putFloat((Float) value),
        Double.class, (out, value) -> out.putDouble((Double) value));

    /** The tagged fill value: the little-endian bytes of the value zarr-java parsed, in hex. */
    static JsonNode fillValue(Object parsed, String dataType) {
        if (parsed == null) {
            return AdapterKit.JSON.nullNode();
        }
        ByteBuffer bytes = ByteBuffer.allocate(Values.itemSize(dataType)).order(ByteOrder.LITTLE_ENDIAN);
        BiConsumer<ByteBuffer, Object> put = PUT_FILL.get(parsed.getClass());
        if (put == null) {
            throw new IllegalStateException("unexpected parsed fill value " + parsed.getClass());
        }
        put.accept(bytes, parsed);
        ObjectNode tagged = AdapterKit.JSON.createObjectNode();
        tagged.put("hex", HexFormat.of().formatHex(bytes.array()));
        return tagged;
    }

    private static ObjectNode codec(ArrayNode chain, String name) {
        ObjectNode codec = chain.addObject();
        codec.put("name", name);
        return codec.putObject("configuration");
    }

    static ArrayNode v3Codecs(dev.zarr.zarrjava.v3.codec.Codec[] codecs) {
        ArrayNode chain = AdapterKit.JSON.createArrayNode();
        for (dev.zarr.zarrjava.v3.codec.Codec codec : codecs) {
            if (codec instanceof BytesCodec) {
                ObjectNode config = codec(chain, "bytes");
                BytesCodec.Configuration configuration = ((BytesCodec) codec).configuration;
                if (configuration != null && configuration.endian != null) {
                    config.put("endian", configuration.endian == BytesCodec.Endian.LITTLE ? "little" : "big");
                }
            } else if (codec instanceof TransposeCodec) {
                ArrayNode order = codec(chain, "transpose").putArray("order");
                for (int axis : ((TransposeCodec) codec).configuration.order) {
                    order.add(axis);
                }
            } else if (codec instanceof BloscCodec) {
                BloscCodec.Configuration c = ((BloscCodec) codec).configuration;
                blosc(codec(chain, "blosc"), c.cname, c.clevel, c.shuffle, c.typesize, c.blocksize);
            } else if (codec instanceof GzipCodec) {
                codec(chain, "gzip").put("level", ((GzipCodec) codec).configuration.level);
            } else if (codec instanceof ZstdCodec) {
                ZstdCodec.Configuration c = ((ZstdCodec) codec).configuration;
                ObjectNode config = codec(chain, "zstd");
                config.put("level", c.level);
                config.put("checksum", c.checksum);
            } else if (codec instanceof Crc32cCodec) {
                codec(chain, "crc32c");
            } else if (codec instanceof ShardingIndexedCodec) {
                ShardingIndexedCodec.Configuration c = ((ShardingIndexedCodec) codec).configuration;
                ObjectNode config = codec(chain, "sharding_indexed");
                ArrayNode inner = config.putArray("chunk_shape");
                for (int length : c.chunkShape) {
                    inner.add(length);
                }
                config.set("codecs", v3Codecs(c.codecs));
                config.set("index_codecs", v3Codecs(c.indexCodecs));
                config.put("index_location", c.indexLocation);
            } else {
                throw new IllegalStateException("unknown zarr-java codec " + codec.getClass().getName());
            }
        }
        return chain;
    }

    private static void v2Codec(ArrayNode chain, dev.zarr.zarrjava.v2.codec.Codec codec) {
        if (codec instanceof dev.zarr.zarrjava.v2.codec.core.BloscCodec) {
            dev.zarr.zarrjava.v2.codec.core.BloscCodec c = (dev.zarr.zarrjava.v2.codec.core.BloscCodec) codec;
            blosc(codec(chain, "blosc"), c.cname, c.clevel, c.shuffle, c.typesize, c.blocksize);
        } else if (codec instanceof dev.zarr.zarrjava.v2.codec.core.ZlibCodec) {
            codec(chain, "numcodecs.zlib").put("level", ((dev.zarr.zarrjava.v2.codec.core.ZlibCodec) codec).level);
        } else {
            throw new IllegalStateException("unknown zarr-java v2 codec " + codec.getClass().getName());
        }
    }

    private static void blosc(ObjectNode config, Blosc.Compressor cname, int clevel, Blosc.Shuffle shuffle,
                              int typesize, int blocksize) {
        config.put("cname", cname.getValue());
        config.put("clevel", clevel);
        config.put("shuffle", shuffleName(shuffle));
        if (typesize > 0) {
            config.put("typesize", typesize);
        }
        config.put("blocksize", blocksize);
    }

    static String shuffleName(Blosc.Shuffle shuffle) {
        switch (shuffle) {
            case NO_SHUFFLE: return "noshuffle";
            case BYTE_SHUFFLE: return "shuffle";
            case BIT_SHUFFLE: return "bitshuffle";
            default: throw new IllegalStateException("unknown blosc shuffle " + shuffle);
        }
    }
}
