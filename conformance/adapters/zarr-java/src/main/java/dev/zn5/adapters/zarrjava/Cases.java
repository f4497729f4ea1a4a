package dev.zn5.adapters.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarr.zarrjava.ZarrException;
import dev.zarr.zarrjava.store.FilesystemStore;
import dev.zarr.zarrjava.store.StoreHandle;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One case at a time: read, reject and equivalence cases read values, metadata cases describe the
 * node, write cases create it, all through zarr-java's public API (dev.zarr.zarrjava.v2 / v3 / core).
 *
 * <p>An exception out of zarr-java is the library refusing the input and becomes a rejection; an
 * exception out of the adapter's own glue reaches {@link Main#run} and becomes an adapter error.
 */
final class Cases {

    /** zarr-java refused the input: the reply's error. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String category;
        final String phase;

        Refused(String category, String phase, String message, Throwable cause) {
            super(message, cause);
            this.category = category;
            this.phase = phase;
        }
    }

    ObjectNode run(JsonNode testCase, Path input, Path output) throws Exception {
        String op = testCase.at("/operation/op").asText();
        try {
            if (op.equals("write")) {
                return write(testCase, input, output);
            }
            if (op.equals("metadata")) {
                return metadata(testCase, input);
            }
            if (testCase.get("input").has("stores")) {
                return equivalence(testCase, input, output);
            }
            return read(testCase, input, output);
        } catch (Refused refused) {
            ObjectNode reply = Main.JSON.createObjectNode();
            reply.put("status", "rejected");
            ObjectNode error = reply.putObject("error");
            error.put("category", refused.category);
            error.put("phase", refused.phase);
            error.put("message", refused.getMessage());
            return reply;
        }
    }

    /** The store handle of a node: the store folder, then the node path's keys. */
    static StoreHandle handle(Path store, String node) {
        String[] keys = node.isEmpty() ? new String[0] : node.split("/");
        return new StoreHandle(new FilesystemStore(store), keys);
    }

    private static String node(JsonNode testCase) {
        return testCase.get("input").path("node").asText("");
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

    private ObjectNode read(JsonNode testCase, Path input, Path output) throws Exception {
        StoreHandle handle = handle(input.resolve(testCase.at("/input/store").asText()), node(testCase));
        dev.zarr.zarrjava.core.Array array = openArray(handle, testCase.get("format").asText());
        String path = readValues(array, testCase.at("/operation/selection"), output, "");
        ObjectNode reply = ok();
        reply.putObject("result").put("array", path);
        return reply;
    }

    private ObjectNode equivalence(JsonNode testCase, Path input, Path output) throws Exception {
        ObjectNode reply = ok();
        ObjectNode arrays = reply.putObject("result").putObject("arrays");
        for (Map.Entry<String, JsonNode> store : testCase.at("/input/stores").properties()) {
            String format = store.getKey();
            if (!format.equals("zarr2") && !format.equals("zarr3")) {
                continue; // zarr-java reads no N5; it declares only the Zarr formats
            }
            StoreHandle handle = handle(input.resolve(store.getValue().asText()), node(testCase));
            dev.zarr.zarrjava.core.Array array = openArray(handle, format);
            arrays.put(format, readValues(array, testCase.at("/operation/selection"), output, format));
        }
        return reply;
    }

    /**
     * Read the selection with zarr-java and write it as the canonical array files. Without a
     * selection the whole array is read with {@code read()}; with one, the box spanning it with
     * {@code read(offset, shape)}. The shape written is the shape of what zarr-java returned.
     */
    private static String readValues(dev.zarr.zarrjava.core.Array array, JsonNode selectionNode, Path output,
                                     String name) throws Exception {
        String dataType = Describe.dataType(array.metadata().dataType());
        ucar.ma2.Array values;
        if (selectionNode.isMissingNode() || selectionNode.isNull()) {
            try {
                values = array.read();
            } catch (Exception error) {
                throw refused(error, "read");
            }
        } else {
            Selection selection = Selection.of(selectionNode, array.metadata().shape);
            if (selection.empty) {
                return Values.write(output, name, new byte[0], dataType, selection.resultShape);
            }
            ucar.ma2.Array box;
            try {
                box = array.read(selection.offset, selection.box);
            } catch (Exception error) {
                throw refused(error, "read");
            }
            values = selection.apply(box);
        }
        long[] shape = java.util.Arrays.stream(values.getShape()).asLongStream().toArray();
        return Values.write(output, name, Values.toBytes(values, dataType), dataType, shape);
    }

    private ObjectNode metadata(JsonNode testCase, Path input) throws Exception {
        StoreHandle handle = handle(input.resolve(testCase.at("/input/store").asText()), node(testCase));
        Object node = openNode(handle, testCase.get("format").asText());
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
        ObjectNode reply = ok();
        reply.putObject("result").set("node", description);
        return reply;
    }

    private ObjectNode write(JsonNode testCase, Path input, Path output) throws Exception {
        JsonNode target = testCase.at("/operation/target");
        JsonNode description = target.get("metadata");
        String format = target.get("format").asText();
        StoreHandle handle = handle(output.resolve("store"), target.path("node").asText(""));
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
            Values.Input values = Values.read(input.resolve(testCase.at("/input/array").asText()));
            try {
                dev.zarr.zarrjava.core.Array array;
                if (format.equals("zarr2")) {
                    array = dev.zarr.zarrjava.v2.Array.create(handle, Create.v2(description));
                } else {
                    array = dev.zarr.zarrjava.v3.Array.create(handle, Create.v3(description));
                }
                ucar.ma2.Array data = Values.fromBytes(values.raw(), values.dataType(), values.shape(),
                    array.metadata().dataType().getMA2DataType());
                array.write(data);
            } catch (Create.Unsupported error) {
                throw new Refused("unsupported", "write", error.getMessage(), error);
            } catch (Exception error) {
                throw refused(error, "write");
            }
        }
        ObjectNode reply = ok();
        reply.putObject("result").put("store", "store");
        return reply;
    }

    private static ObjectNode ok() {
        ObjectNode reply = Main.JSON.createObjectNode();
        reply.put("status", "ok");
        return reply;
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
