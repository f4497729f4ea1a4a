package dev.zn5.adapters.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarr.zarrjava.store.FilesystemStore;
import dev.zarr.zarrjava.store.HttpStore;
import dev.zarr.zarrjava.store.StoreHandle;
import dev.zn5.kit.AdapterKit;
import dev.zn5.kit.AdapterKit.Refused;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The kit's hooks for zarr-java: read, reject and equivalence cases read values, metadata cases
 * describe the node, write cases create it, all through zarr-java's public API
 * (dev.zarr.zarrjava.v2 / v3 / core).
 *
 * <p>An exception out of zarr-java is the library refusing the input and becomes a {@link Refused};
 * an exception out of the adapter's own glue reaches the kit and becomes an adapter error.
 */
final class Cases implements AdapterKit.Adapter {

    /** What zarr-java 0.0.9 claims, and why not more: capabilities.json, which the build puts on the class path. */
    private static final AdapterKit.Declaration DECLARED =
        AdapterKit.Declaration.resource(Cases.class, "/capabilities.json");

    @Override
    public AdapterKit.Hello hello() {
        return new AdapterKit.Hello("zarr-java", Versions.ZARR_JAVA, "java",
            "https://github.com/zarr-developers/zarr-java", Versions.ADAPTER, DECLARED.capabilities(),
            DECLARED.formatGaps());
    }

    /**
     * The store handle of a node: the store folder (or, in a run over HTTP, zarr-java's HttpStore at the
     * URL the store is served at, PROTO-022), then the node path's keys.
     */
    static StoreHandle handle(Path store, String node) {
        String[] keys = node.isEmpty() ? new String[0] : node.split("/");
        String url = AdapterKit.storeUrl(store);
        return new StoreHandle(url == null ? new FilesystemStore(store) : new HttpStore(url), keys);
    }

    /**
     * The node at a handle, opened for a format ("zarr2", "zarr3" or "any": zarr-java detects it) with
     * the library's node entry points, which also refuse a prefix holding both an array and a group.
     */
    static Object openNode(StoreHandle handle, String format) throws Refused {
        try {
            switch (format) {
                case "zarr2": return dev.zarr.zarrjava.v2.Node.open(handle);
                case "zarr3": return dev.zarr.zarrjava.v3.Node.open(handle);
                default: return dev.zarr.zarrjava.core.Node.open(handle);
            }
        } catch (Exception error) {
            throw refused(error, "open");
        }
    }

    /** The array at a handle; a group there is refused as zarr-java's Array.open would refuse it. */
    static dev.zarr.zarrjava.core.Array openArray(StoreHandle handle, String format) throws Refused {
        Object node = openNode(handle, format);
        if (!(node instanceof dev.zarr.zarrjava.core.Array)) {
            throw new Refused("not-found", "open", "zarr-java opened " + node + ", not an array", null);
        }
        return (dev.zarr.zarrjava.core.Array) node;
    }

    /**
     * Read the selection with zarr-java: without a selection the whole array with {@code read()}, with
     * one the box spanning it with {@code read(offset, shape)}, of which the kit picks the selection.
     */
    @Override
    public AdapterKit.ArrayValues read(Path store, String node, String format, JsonNode selectionNode)
        throws Exception {
        dev.zarr.zarrjava.core.Array array = openArray(handle(store, node), format);
        String dataType = Describe.dataType(array.metadata().dataType());
        AdapterKit.Selection selection = AdapterKit.Selection.of(selectionNode, array.metadata().shape);
        if (selection.isWhole()) {
            ucar.ma2.Array values = readBox(array, null, null);
            long[] shape = java.util.Arrays.stream(values.getShape()).asLongStream().toArray();
            return new AdapterKit.ArrayValues(dataType, shape, Values.toBytes(values, dataType));
        }
        if (selection.isEmpty()) {
            return new AdapterKit.ArrayValues(dataType, selection.resultShape(), new byte[0]);
        }
        byte[] box = Values.toBytes(readBox(array, selection.offset(), selection.box()), dataType);
        return new AdapterKit.ArrayValues(dataType, selection.resultShape(),
            selection.pick(box, Values.itemSize(dataType)));
    }

    /** zarr-java's read of the whole array (offset null) or of one box. */
    private static ucar.ma2.Array readBox(dev.zarr.zarrjava.core.Array array, long[] offset, int[] box)
        throws Refused {
        try {
            return offset == null ? array.read() : array.read(offset, box);
        } catch (Exception error) {
            throw refused(error, "read");
        }
    }

    @Override
    public JsonNode describe(Path store, String path, String format) throws Exception {
        Object node = openNode(handle(store, path), format);
        ObjectNode description;
        if (node instanceof dev.zarr.zarrjava.v3.Array) {
            description = Describe.v3(((dev.zarr.zarrjava.v3.Array) node).metadata());
        } else if (node instanceof dev.zarr.zarrjava.v2.Array) {
            description = Describe.v2(((dev.zarr.zarrjava.v2.Array) node).metadata());
        } else if (node instanceof dev.zarr.zarrjava.v3.Group) {
            description = Describe.group(((dev.zarr.zarrjava.v3.Group) node).metadata().attributes);
        } else if (node instanceof dev.zarr.zarrjava.v2.Group) {
            description = Describe.group(((dev.zarr.zarrjava.v2.Group) node).metadata().attributes);
        } else {
            throw new IllegalStateException("zarr-java opened an unknown node " + node.getClass().getName());
        }
        return description;
    }

    @Override
    public void write(JsonNode target, AdapterKit.ArrayValues values, Path store) throws Exception {
        JsonNode description = target.get("metadata");
        String format = target.get("format").asText();
        StoreHandle handle = handle(store, target.path("node").asText(""));
        if (!format.equals("zarr2") && !format.equals("zarr3")) {
            throw new IllegalArgumentException("zarr-java writes no " + format);
        }
        if (description.get("node_type").asText().equals("group")) {
            try {
                if (format.equals("zarr2")) {
                    dev.zarr.zarrjava.v2.Group.create(handle, Create.attributes(description));
                } else {
                    dev.zarr.zarrjava.v3.Group.create(handle, Create.attributes(description));
                }
            } catch (Exception error) {
                throw refused(error, "write");
            }
        } else {
            try {
                dev.zarr.zarrjava.core.Array array;
                if (format.equals("zarr2")) {
                    array = dev.zarr.zarrjava.v2.Array.create(handle, Create.v2(description));
                } else {
                    array = dev.zarr.zarrjava.v3.Array.create(handle, Create.v3(description));
                }
                ucar.ma2.Array data = Values.fromBytes(values.raw(), values.dataType(), values.intShape(),
                    array.metadata().dataType().getMA2DataType());
                array.write(data);
            } catch (Create.Unsupported error) {
                // refused up front, before zarr-java is asked: a skipped reply, not a refusal of the library's
                throw new AdapterKit.Skip("zarr-java " + Versions.ZARR_JAVA + " cannot write this array: "
                    + error.getMessage());
            } catch (Exception error) {
                throw refused(error, "write");
            }
        }
    }

    /** A data type string that names none of zarr-java's data types (its DataType enums). */
    private static boolean isDataType(Throwable error) {
        if (!(error instanceof InvalidFormatException)) {
            return false;
        }
        Class<?> target = ((InvalidFormatException) error).getTargetType();
        return target != null && dev.zarr.zarrjava.core.DataType.class.isAssignableFrom(target);
    }

    /**
     * A zarr-java exception as a rejection. Categories: a missing node is not-found; a type id no
     * registry of zarr-java knows (codec, chunk grid, chunk key encoding) or a data type none of its
     * DataType enums has is unsupported;
     * anything else is a metadata problem when opening and a chunk problem when reading.
     */
    static Refused refused(Throwable error, String phase) {
        Throwable root = error;
        String category = phase.equals("open") ? "metadata" : phase.equals("read") ? "chunk" : "store";
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchFileException) {
                category = "not-found";
            } else if (cause instanceof InvalidTypeIdException || isDataType(cause)) {
                category = "unsupported";
            }
            root = cause;
        }
        String message = error.toString();
        if (root != error) {
            message += " (caused by " + root + ")";
        }
        return new Refused(category, phase, message, error);
    }
}
