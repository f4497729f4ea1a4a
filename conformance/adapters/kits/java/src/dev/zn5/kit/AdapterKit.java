package dev.zn5.kit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * zn5 adapter kit for Java (17 or later; needs only jackson-databind): the protocol glue of a zn5
 * conformance adapter in one file. Copy it into your adapter's sources (keep or change the package);
 * see README.md.
 *
 * <p>The kit speaks the adapter protocol (spec/adapter-protocol.md): one JSON message per line on
 * stdin, one reply per line on stdout (hello, run, stop). {@link #serve} dispatches each case on its
 * operation to the hooks of an {@link Adapter}, reads the stores of an equivalence case in the formats
 * the adapter declares, writes array results ({@code array.json} beside raw little-endian C-order
 * bytes) and turns what a hook throws into a reply: {@link Refused} is a rejected reply, {@link Skip}
 * a skipped one, anything else an adapter-error with its stack trace.
 */
public final class AdapterKit {

    /** The protocol version the kit speaks. */
    public static final int PROTOCOL = 1;
    /** The JSON of the protocol. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private AdapterKit() {
    }

    /** The hooks of an adapter; the kit does the rest. */
    public interface Adapter {

        /** Who the library is and what it claims. */
        Hello hello();

        /**
         * The values of a selection (read, reject and equivalence cases). {@code store} is the absolute
         * folder of a store, {@code node} the node path ("" for the root), {@code format} the case's
         * ("zarr2", "zarr3", "n5" or "any"), {@code selection} the case's, null for everything (see
         * {@link Selection#of}).
         */
        ArrayValues read(Path store, String node, String format, JsonNode selection) throws Exception;

        /** The canonical description of a node (metadata cases; schemas/project/node.schema.json). */
        default JsonNode describe(Path store, String node, String format) throws Exception {
            throw new Skip("the adapter does not describe nodes");
        }

        /**
         * Write the node {@code target} (the case's operation.target: format, node, metadata) into a new
         * store at {@code store}, holding {@code values} (null for a group) (write cases).
         */
        default void write(JsonNode target, ArrayValues values, Path store) throws Exception {
            throw new Skip("the adapter does not write");
        }
    }

    /**
     * Who the library is and what it claims: the implementation (homepage may be empty), the adapter's
     * own version, capability tokens (conformance/corpus/capabilities.json) and, by format, declared
     * tokens the library lacks in that format ({@code {"zarr2": ["codec:gzip"]}}).
     */
    public record Hello(String name, String version, String language, String homepage, String adapterVersion,
                        Collection<String> capabilities, Map<String, ? extends Collection<String>> formatGaps) {
    }

    /**
     * What an adapter claims, as its capabilities.json states it
     * (schemas/project/adapter-capabilities.schema.json): the capability tokens and, by format, the tokens
     * of its format gaps; the reasons of the gaps stay in the file.
     */
    public record Declaration(List<String> capabilities, Map<String, List<String>> formatGaps) {

        /** The declaration of a capabilities.json document. */
        public static Declaration of(JsonNode document) {
            List<String> capabilities = new ArrayList<>();
            document.path("capabilities").forEach(token -> capabilities.add(token.asText()));
            Map<String, List<String>> gaps = new TreeMap<>();
            document.path("format_gaps").fields().forEachRemaining(format -> {
                List<String> tokens = new ArrayList<>();
                format.getValue().fieldNames().forEachRemaining(tokens::add);
                gaps.put(format.getKey(), tokens);
            });
            return new Declaration(capabilities, gaps);
        }

        /** The declaration at {@code name} on the class path of {@code owner}, where the adapter's build puts it. */
        public static Declaration resource(Class<?> owner, String name) {
            try (InputStream stream = owner.getResourceAsStream(name)) {
                if (stream == null) {
                    throw new IllegalStateException("no " + name + " on the class path");
                }
                return of(JSON.readTree(stream));
            } catch (IOException error) {
                throw new UncheckedIOException(error);
            }
        }
    }

    /** The library refused the input: a rejected reply (category: spec/conventions.md#errors). */
    public static class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        public final String category;
        public final String phase;

        public Refused(String category, String phase, String message, Throwable cause) {
            super(message, cause);
            this.category = category;
            this.phase = phase;
        }
    }

    /** The adapter cannot run the case: a skipped reply with this reason. */
    public static class Skip extends Exception {
        private static final long serialVersionUID = 1L;

        public Skip(String reason) {
            super(reason);
        }
    }

    /** Array values in the protocol's form: a canonical data type, a shape, little-endian C-order bytes. */
    public record ArrayValues(String dataType, long[] shape, byte[] raw) {

        /** The shape as ints, for array libraries that take them. */
        public int[] intShape() {
            int[] shape = new int[this.shape.length];
            for (int axis = 0; axis < shape.length; axis++) {
                shape[axis] = Math.toIntExact(this.shape[axis]);
            }
            return shape;
        }
    }

    // Selections.

    /**
     * A case selection over an array: per axis an integer index (the axis goes) or [start, stop, step]
     * (bounds clipped to the axis, as Python slices are). Libraries that read one box read
     * {@link #offset()} and {@link #box()}, and {@link #pick} keeps the selected elements of it.
     */
    public static final class Selection {
        private final boolean whole;
        private final long[] start;
        private final long[] count;
        private final long[] step;
        private final boolean[] kept;

        private Selection(boolean whole, long[] start, long[] count, long[] step, boolean[] kept) {
            this.whole = whole;
            this.start = start;
            this.count = count;
            this.step = step;
            this.kept = kept;
        }

        /** The selection of a case over an array of {@code shape}; null or JSON null selects everything. */
        public static Selection of(JsonNode selection, long[] shape) throws Refused {
            boolean whole = selection == null || selection.isNull() || selection.isMissingNode();
            int ndim = shape.length;
            if (!whole && selection.size() > ndim) {
                throw new Refused("selection", "read", "a selection of " + selection.size() + " axes for an array of "
                    + ndim, null);
            }
            long[] start = new long[ndim];
            long[] count = new long[ndim];
            long[] step = new long[ndim];
            boolean[] kept = new boolean[ndim];
            for (int axis = 0; axis < ndim; axis++) {
                long length = shape[axis];
                JsonNode item = whole || axis >= selection.size() ? null : selection.get(axis);
                step[axis] = 1;
                kept[axis] = true;
                if (item == null) {
                    count[axis] = length;
                } else if (item.isIntegralNumber()) {
                    long index = item.asLong() < 0 ? item.asLong() + length : item.asLong();
                    if (index < 0 || index >= length) {
                        throw new Refused("selection", "read", "index " + item + " out of range for an axis of " + length,
                            null);
                    }
                    start[axis] = index;
                    count[axis] = 1;
                    kept[axis] = false;
                } else {
                    step[axis] = item.get(2).asLong();
                    if (step[axis] <= 0) {
                        throw new Refused("selection", "read", "slice step " + step[axis] + " is not positive", null);
                    }
                    start[axis] = clip(item.get(0).asLong(), length);
                    long stop = Math.max(clip(item.get(1).asLong(), length), start[axis]);
                    count[axis] = (stop - start[axis] + step[axis] - 1) / step[axis];
                }
            }
            return new Selection(whole, start, count, step, kept);
        }

        private static long clip(long index, long length) {
            return Math.max(0, Math.min(length, index < 0 ? index + length : index));
        }

        /** Whether the case gave no selection (everything is selected). */
        public boolean isWhole() {
            return whole;
        }

        /** Whether no element is selected. */
        public boolean isEmpty() {
            for (long n : count) {
                if (n == 0) {
                    return true;
                }
            }
            return false;
        }

        /** The first element of the box spanning the selection. */
        public long[] offset() {
            return start.clone();
        }

        /** The shape of the box spanning the selection, from the first to the last selected element. */
        public int[] box() {
            int[] box = new int[count.length];
            for (int axis = 0; axis < box.length; axis++) {
                box[axis] = Math.toIntExact(count[axis] == 0 ? 0 : (count[axis] - 1) * step[axis] + 1);
            }
            return box;
        }

        /** The shape of the result: the counts of the axes that are not indexed away. */
        public long[] resultShape() {
            List<Long> shape = new ArrayList<>();
            for (int axis = 0; axis < count.length; axis++) {
                if (kept[axis]) {
                    shape.add(count[axis]);
                }
            }
            return shape.stream().mapToLong(Long::longValue).toArray();
        }

        /** The selected elements of the box's C-order bytes (elements of {@code itemSize} bytes), in C order. */
        public byte[] pick(byte[] boxBytes, int itemSize) {
            int ndim = count.length;
            int[] box = box();
            long[] strides = new long[ndim];
            long total = 1;
            for (int axis = ndim - 1; axis >= 0; axis--) {
                strides[axis] = axis == ndim - 1 ? 1 : strides[axis + 1] * box[axis + 1];
                total *= count[axis];
            }
            byte[] out = new byte[Math.toIntExact(total * itemSize)];
            long[] index = new long[ndim];
            for (int n = 0; n < total; n++) {
                long offset = 0;
                for (int axis = 0; axis < ndim; axis++) {
                    offset += index[axis] * step[axis] * strides[axis];
                }
                System.arraycopy(boxBytes, Math.toIntExact(offset * itemSize), out, n * itemSize, itemSize);
                for (int axis = ndim - 1; axis >= 0; axis--) {
                    if (++index[axis] < count[axis]) {
                        break;
                    }
                    index[axis] = 0;
                }
            }
            return out;
        }
    }

    // Array results: array.json beside raw little-endian C-order bytes (schemas/project/array.schema.json).

    /** Write {@code values} as array.json + array.bin into {@code folder}. */
    public static void writeArray(Path folder, ArrayValues values) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("array.bin"), values.raw());
        ObjectNode document = JSON.createObjectNode();
        document.put("data_type", values.dataType());
        ArrayNode shape = document.putArray("shape");
        for (long length : values.shape()) {
            shape.add(length);
        }
        document.put("file", "array.bin");
        document.put("sha256", sha256(values.raw()));
        Files.write(folder.resolve("array.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document));
    }

    /** The values of an input array.json and the bytes it names, checked against their sha256. */
    public static ArrayValues readArray(Path document) throws IOException {
        JsonNode node = JSON.readTree(document.toFile());
        byte[] raw = Files.readAllBytes(document.resolveSibling(node.get("file").asText()));
        if (!sha256(raw).equals(node.get("sha256").asText())) {
            throw new IOException(document + ": the bytes do not match their sha256");
        }
        long[] shape = new long[node.get("shape").size()];
        for (int axis = 0; axis < shape.length; axis++) {
            shape[axis] = node.get("shape").get(axis).asLong();
        }
        return new ArrayValues(node.get("data_type").asText(), shape, raw);
    }

    /** The SHA-256 of bytes, in lower-case hex. */
    public static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException error) {
            throw new IllegalStateException(error);
        }
    }

    /** The input folder and the run message's input_url of the case in hand, in a run over HTTP; else null. */
    private static volatile String[] served;

    /**
     * The URL the store of folder {@code store} is served at in a run over HTTP ({@code zn5 run --store
     * http}), else null (PROTO-021). The folder is then not on disk: an adapter that declares
     * {@code store:http} opens that URL with its library's own HTTP store (PROTO-022).
     */
    public static String storeUrl(Path store) {
        String[] now = served;
        if (now == null) {
            return null;
        }
        String relative = Path.of(now[0]).relativize(store).toString().replace('\\', '/');
        return now[1] + "/" + relative;
    }

    /** {@code relative} resolved inside {@code root}; an IOException when it leaves it. */
    public static Path inside(Path root, String relative) throws IOException {
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root.normalize())) {
            throw new IOException(relative + " lies outside " + root);
        }
        return path;
    }

    // The protocol.

    /** The hello reply of an adapter. */
    public static ObjectNode helloReply(Adapter adapter) {
        Hello hello = adapter.hello();
        ObjectNode reply = JSON.createObjectNode();
        reply.put("protocol", PROTOCOL);
        ObjectNode implementation = reply.putObject("implementation");
        implementation.put("name", hello.name());
        implementation.put("version", hello.version());
        implementation.put("language", hello.language());
        if (!hello.homepage().isEmpty()) {
            implementation.put("homepage", hello.homepage());
        }
        reply.putObject("adapter").put("version", hello.adapterVersion());
        ArrayNode capabilities = reply.putArray("capabilities");
        new TreeSet<>(hello.capabilities()).forEach(capabilities::add);
        ObjectNode gaps = JSON.createObjectNode();
        new TreeMap<>(hello.formatGaps()).forEach((format, tokens) -> {
            if (!tokens.isEmpty()) {
                new TreeSet<>(tokens).forEach(gaps.putArray(format)::add);
            }
        });
        if (!gaps.isEmpty()) {
            reply.set("format_gaps", gaps);
        }
        return reply;
    }

    /** The result of one case: dispatch on its operation to the adapter's hooks. */
    public static JsonNode runCase(Adapter adapter, JsonNode testCase, Path input, Path output) throws Exception {
        JsonNode operation = testCase.get("operation");
        JsonNode where = testCase.get("input");
        String node = where.path("node").asText("");
        String format = testCase.path("format").asText("any");
        JsonNode selection = operation.get("selection");
        ObjectNode result = JSON.createObjectNode();
        switch (operation.path("op").asText()) {
            case "write": {
                JsonNode target = operation.get("target");
                ArrayValues values = target.at("/metadata/node_type").asText().equals("group")
                    ? null : readArray(inside(input, where.get("array").asText()));
                Path store = Files.createDirectories(output.resolve("store"));
                adapter.write(target, values, store);
                return result.put("store", "store");
            }
            case "metadata":
                return result.set("node", adapter.describe(inside(input, where.get("store").asText()), node, format));
            case "read":
                if (where.has("stores")) {
                    Collection<String> declared = adapter.hello().capabilities();
                    ObjectNode arrays = result.putObject("arrays");
                    TreeSet<String> formats = new TreeSet<>();
                    where.get("stores").fieldNames().forEachRemaining(formats::add);
                    for (String name : formats) {
                        if (declared.contains("format:" + name)) {
                            Path store = inside(input, where.get("stores").get(name).asText());
                            writeArray(output.resolve(name), adapter.read(store, node, name, selection));
                            arrays.put(name, name + "/array.json");
                        }
                    }
                    return result;
                }
                writeArray(output, adapter.read(inside(input, where.get("store").asText()), node, format, selection));
                return result.put("array", "array.json");
            default:
                throw new IllegalArgumentException("unknown operation " + operation.path("op").asText());
        }
    }

    /** The reply (with its seq) to a run message; never throws. */
    public static ObjectNode runReply(Adapter adapter, JsonNode message) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("seq", message.path("seq").asLong(0));
        JsonNode url = message.get("input_url");
        served = url == null || url.isNull() ? null : new String[] {message.get("input").asText(), url.asText()};
        try {
            JsonNode result = runCase(adapter, message.get("case"), Path.of(message.get("input").asText()),
                Path.of(message.get("output").asText()));
            reply.put("status", "ok");
            reply.set("result", result);
        } catch (Refused refused) {
            reply.put("status", "rejected");
            ObjectNode error = reply.putObject("error");
            error.put("category", refused.category);
            error.put("phase", refused.phase);
            error.put("message", refused.getMessage());
        } catch (Skip skip) {
            reply.put("status", "skipped");
            reply.put("reason", skip.getMessage());
        } catch (Throwable error) { // the adapter's own glue failed: say so, keep serving
            reply.put("status", "adapter-error");
            reply.put("message", error.toString());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            reply.put("traceback", trace.toString());
        }
        return reply;
    }

    /**
     * Serve the protocol on stdin and stdout until stop or the end of input. System.out is pointed at
     * stderr first, so that nothing a library prints reaches the protocol stream (PROTO-001).
     */
    public static void serve(Adapter adapter) throws IOException {
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode message;
            try {
                message = JSON.readTree(line);
            } catch (IOException error) {
                System.err.println("adapter: ignoring a line that is no JSON: " + error.getMessage());
                continue;
            }
            String command = message.path("cmd").asText("");
            ObjectNode reply;
            if (command.equals("stop")) {
                break;
            } else if (command.equals("hello")) {
                reply = helloReply(adapter);
            } else if (command.equals("run")) {
                reply = runReply(adapter, message);
            } else {
                System.err.println("adapter: unknown command " + command);
                continue;
            }
            protocolOut.write(JSON.writeValueAsBytes(reply));
            protocolOut.write('\n');
            protocolOut.flush();
        }
        protocolOut.flush();
    }
}
