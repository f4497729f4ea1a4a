package org.zn5.golden;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jpountz.lz4.LZ4BlockInputStream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Writes golden files for N5's {@code lz4} compression: for each case, {@code <name>.input} (the raw bytes) and
 * {@code <name>.lz4} (what {@code new LZ4BlockOutputStream(out, blockSize)} writes for them, closed), plus
 * {@code cases.json} naming each case's block size and the lz4-java version and implementation that wrote it.
 *
 * <p>N5 Java's {@code Lz4Compression.encode} is {@code new LZ4BlockOutputStream(out, blockSize)} with a default
 * blockSize of {@code 1 << 16}: the two-argument constructor, so lz4-java's defaults pick the compressor
 * ({@code LZ4Factory.fastestInstance().fastCompressor()}) and the checksum (streaming XXHash32, seed 0x9747b28c).
 *
 * <p>Arguments: the output folder and the lz4-java version (for cases.json).
 */
public final class WriteGolden {

    private WriteGolden() {}

    private record Case(String name, int blockSize, byte[] input, String what) {}

    /** The inputs; all are fixed, so the files are the same on every run. */
    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("empty", 1 << 16, new byte[0], "no bytes: the stream is the end block alone"));
        cases.add(new Case("pattern-100", 1 << 16, repeat("0123456789", 100), "repeating digits: one lz4 block"));
        cases.add(new Case("random-1000", 1 << 16, lcg(1000, 42), "LCG bytes that do not compress: one raw block"));
        cases.add(new Case("text-200000", 1 << 16, text(200000),
                "text over four 65536-byte blocks (the last one partial)"));
        byte[] mixed = text(3000);
        System.arraycopy(lcg(1024, 7), 0, mixed, 1024, 1024);
        cases.add(new Case("mixed-1024", 1024, mixed,
                "blockSize 1024 (level 0): an lz4 block, a raw block, a partial lz4 block"));
        cases.add(new Case("text-blocksize-5000", 5000, text(12000),
                "blockSize 5000, not a power of two (level 3, from 8192): blocks of 5000, 5000, 2000"));
        return cases;
    }

    /** {@code text} repeated to {@code length} bytes. */
    private static byte[] repeat(String text, int length) {
        byte[] unit = text.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = unit[i % unit.length];
        }
        return out;
    }

    /** Bits 16..23 of the LCG x' = (1103515245 x + 12345) mod 2^31, starting from {@code seed}. */
    private static byte[] lcg(int length, long seed) {
        byte[] out = new byte[length];
        long x = seed;
        for (int i = 0; i < length; i++) {
            x = (1103515245L * x + 12345L) & 0x7fffffffL;
            out[i] = (byte) (x >>> 16);
        }
        return out;
    }

    /** "value[i]=(i*i mod 9973);\n" for i = 0, 1, ... cut to {@code length} bytes: compresses, not trivially. */
    private static byte[] text(int length) {
        StringBuilder builder = new StringBuilder();
        for (long i = 0; builder.length() < length; i++) {
            builder.append("value[").append(i).append("]=").append(i * i % 9973).append(";\n");
        }
        return Arrays.copyOf(builder.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

    /** The stream N5 Java writes: the two-argument constructor, written, closed. */
    private static byte[] n5Stream(byte[] input, int blockSize) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new LZ4BlockOutputStream(bytes, blockSize)) {
            out.write(input);
        }
        return bytes.toByteArray();
    }

    /** The same with a given compressor, to see whether lz4-java's implementations agree. */
    private static byte[] streamWith(byte[] input, int blockSize, LZ4Compressor compressor) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new LZ4BlockOutputStream(bytes, blockSize, compressor)) {
            out.write(input);
        }
        return bytes.toByteArray();
    }

    private static byte[] readBack(byte[] stream) throws IOException {
        try (InputStream in = new LZ4BlockInputStream(new ByteArrayInputStream(stream))) {
            return in.readAllBytes();
        }
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: WriteGolden OUTPUT_DIR LZ4_JAVA_VERSION");
        }
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        // What the two-argument constructor will use. Ask before anything loads the native library, since
        // loading it changes the answer for class loaders other than the system one.
        String factory = LZ4Factory.fastestInstance().toString();
        if (!factory.equals("LZ4Factory:JNI")) {
            throw new IllegalStateException("fastestInstance() is " + factory + ", not LZ4Factory:JNI: run in a JVM"
                    + " whose system class loader holds lz4-java, on a platform its native library supports");
        }
        LZ4Compressor javaSafe = LZ4Factory.safeInstance().fastCompressor();
        LZ4Compressor javaUnsafe = LZ4Factory.unsafeInstance().fastCompressor();
        Files.createDirectories(dir);
        List<String> entries = new ArrayList<>();
        for (Case c : cases()) {
            byte[] stream = n5Stream(c.input(), c.blockSize());
            check(c, "the JNI stream", stream);
            if (c.blockSize() == 1 << 16) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (OutputStream out = new LZ4BlockOutputStream(bytes)) {  // what N5 Java 2.x wrote
                    out.write(c.input());
                }
                if (!Arrays.equals(bytes.toByteArray(), stream)) {
                    throw new IllegalStateException(c.name() + ": the one-argument constructor writes other bytes");
                }
            }
            // lz4-java's pure-Java ports (what fastestInstance() gives where the native library does not load)
            byte[] port = streamWith(c.input(), c.blockSize(), javaSafe);
            if (!Arrays.equals(streamWith(c.input(), c.blockSize(), javaUnsafe), port)) {
                throw new IllegalStateException(c.name() + ": JavaSafe and JavaUnsafe write other bytes");
            }
            Files.write(dir.resolve(c.name() + ".input"), c.input());
            Files.write(dir.resolve(c.name() + ".lz4"), stream);
            String portFile = null;
            if (!Arrays.equals(port, stream)) {
                check(c, "the Java port's stream", port);
                portFile = c.name() + ".java-port.lz4";
                Files.write(dir.resolve(portFile), port);
            }
            entries.add("    {\"name\": " + json(c.name()) + ", \"blockSize\": " + c.blockSize()
                    + ", \"inputLength\": " + c.input().length + ", \"streamLength\": " + stream.length
                    + ",\n     \"what\": " + json(c.what())
                    + ",\n     \"javaPortStream\": " + (portFile == null ? "null" : json(portFile)) + "}");
            System.out.printf("%-20s blockSize %6d: %6d bytes -> %6d bytes (JNI), %6d bytes (Java port)%n",
                    c.name(), c.blockSize(), c.input().length, stream.length, port.length);
        }
        String manifest = "{\n  \"writer\": " + json("org.lz4:lz4-java:" + args[1])
                + ",\n  \"call\": " + json("new LZ4BlockOutputStream(out, blockSize), written and closed")
                + ",\n  \"fastestInstance\": " + json(factory)
                + ",\n  \"javaPort\": " + json("LZ4Factory.safeInstance() and unsafeInstance() fastCompressor()"
                        + ", which wrote the same bytes; a case's javaPortStream is set where they differ from JNI's")
                + ",\n  \"java\": " + json(System.getProperty("java.version") + " " + System.getProperty("os.arch"))
                + ",\n  \"cases\": [\n" + String.join(",\n", entries) + "\n  ]\n}\n";
        Files.writeString(dir.resolve("cases.json"), manifest);
        System.out.println("wrote " + dir);
    }

    private static void check(Case c, String what, byte[] stream) throws IOException {
        if (!Arrays.equals(readBack(stream), c.input())) {
            throw new IllegalStateException(c.name() + ": LZ4BlockInputStream does not read " + what + " back");
        }
    }
}
