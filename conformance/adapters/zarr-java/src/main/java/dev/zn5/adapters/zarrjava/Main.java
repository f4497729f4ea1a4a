package dev.zn5.adapters.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The zn5 adapter for zarr-java: one JVM serves a whole run, reading one JSON message per line on
 * stdin and answering one per line on stdout (schemas/project/protocol/).
 *
 * <p>stdout belongs to the protocol alone: System.out is pointed at stderr before the library is
 * touched, so nothing the library prints can break a reply.
 */
public final class Main {

    static final int PROTOCOL = 1;
    static final ObjectMapper JSON = new ObjectMapper();

    private Main() {
    }

    public static void main(String[] arguments) throws IOException {
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Cases cases = new Cases();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode message;
            try {
                message = JSON.readTree(line);
            } catch (IOException error) {
                System.err.println("zarr-java adapter: a line that is not JSON: " + error.getMessage());
                continue;
            }
            String command = message.path("cmd").asText("");
            ObjectNode reply;
            switch (command) {
                case "hello":
                    reply = hello();
                    break;
                case "run":
                    reply = run(cases, message);
                    break;
                case "stop":
                    protocolOut.flush();
                    return;
                default:
                    System.err.println("zarr-java adapter: unknown command " + command);
                    continue;
            }
            protocolOut.write(JSON.writeValueAsBytes(reply));
            protocolOut.write('\n');
            protocolOut.flush();
        }
    }

    static ObjectNode hello() {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("protocol", PROTOCOL);
        ObjectNode implementation = reply.putObject("implementation");
        implementation.put("name", "zarr-java");
        implementation.put("version", Versions.ZARR_JAVA);
        implementation.put("language", "java");
        implementation.put("homepage", "https://github.com/zarr-developers/zarr-java");
        reply.putObject("adapter").put("version", Versions.ADAPTER);
        var capabilities = reply.putArray("capabilities");
        for (String token : Capabilities.TOKENS) {
            capabilities.add(token);
        }
        ObjectNode gaps = reply.putObject("format_gaps");
        for (String key : new java.util.TreeSet<>(Capabilities.FORMAT_GAPS.keySet())) {
            String[] formatAndToken = key.split(" ", 2);
            JsonNode tokens = gaps.get(formatAndToken[0]);
            (tokens == null ? gaps.putArray(formatAndToken[0]) : (com.fasterxml.jackson.databind.node.ArrayNode) tokens)
                .add(formatAndToken[1]);
        }
        return reply;
    }

    static ObjectNode run(Cases cases, JsonNode message) {
        long seq = message.path("seq").asLong(0);
        ObjectNode reply;
        try {
            reply = cases.run(message.get("case"), Path.of(message.get("input").asText()),
                Path.of(message.get("output").asText()));
        } catch (Throwable error) { // the adapter's own glue failed: say so, keep serving
            reply = JSON.createObjectNode();
            reply.put("status", "adapter-error");
            reply.put("message", error.toString());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            reply.put("traceback", trace.toString());
        }
        ObjectNode ordered = JSON.createObjectNode();
        ordered.put("seq", seq);
        ordered.setAll(reply);
        return ordered;
    }
}
