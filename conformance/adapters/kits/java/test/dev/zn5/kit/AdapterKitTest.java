package dev.zn5.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests of the Java adapter kit (the zarr-java adapter's build runs them). */
class AdapterKitTest {

    private static JsonNode json(String text) throws Exception {
        return AdapterKit.JSON.readTree(text);
    }

    /** A fake library: declares Zarr v3 only and reads one byte holding the length of the format's name. */
    private static final AdapterKit.Adapter FAKE = new AdapterKit.Adapter() {
        @Override
        public AdapterKit.Hello hello() {
            return new AdapterKit.Hello("fake", "1", "java", "", "0", List.of("op:read", "format:zarr3"),
                Map.of("zarr2", List.of(), "zarr3", List.of("op:write", "codec:gzip")));
        }

        @Override
        public AdapterKit.ArrayValues read(Path store, String node, String format, JsonNode selection) {
            return new AdapterKit.ArrayValues("uint8", new long[] {1}, new byte[] {(byte) format.length()});
        }
    };

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "null; 3,4; 0,0; 3,4; 3,4",
        "[[1, 9, 3]]; 10,2; 1,0; 7,2; 3,2",
        "[[2, 99, 1], 1]; 5,3; 2,1; 3,1; 3",
        "[-1, [-3, -1, 1]]; 4,6; 3,3; 1,2; 2",
        "[[7, 2, 1]]; 9; 7; 0; 0",
    })
    void selectionsClipAsPythonSlicesDo(String selection, String shape, String offset, String box, String result)
        throws Exception {
        AdapterKit.Selection selected = AdapterKit.Selection.of(json(selection), longs(shape));
        assertArrayEquals(longs(offset), selected.offset());
        assertArrayEquals(longs(box), java.util.Arrays.stream(selected.box()).asLongStream().toArray());
        assertArrayEquals(longs(result), selected.resultShape());
        assertEquals(selection.equals("null"), selected.isWhole());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"[1, 2]; 5", "[5]; 5", "[[0, 5, 0]]; 5"})
    void selectionsTheArrayCannotTakeAreRefused(String selection, String shape) {
        AdapterKit.Refused refused = assertThrows(AdapterKit.Refused.class,
            () -> AdapterKit.Selection.of(json(selection), longs(shape)));
        assertEquals("selection", refused.category);
    }

    @Test
    void pickKeepsStepsAndDropsIndexedAxes() throws Exception {
        // rows 0 and 2 (step 2) of column 3 (an index) of a 3x5 array: the box is rows 0 to 2 of column 3
        AdapterKit.Selection selected = AdapterKit.Selection.of(json("[[0, 3, 2], 3]"), new long[] {3, 5});
        assertArrayEquals(new int[] {3, 1}, selected.box());
        assertArrayEquals(new byte[] {3, 13}, selected.pick(new byte[] {3, 8, 13}, 1));
        assertFalse(selected.isEmpty());
    }

    @Test
    void aDeclarationKeepsTheTokensAndDropsTheReasonsOfTheGaps() throws Exception {
        AdapterKit.Declaration declared = AdapterKit.Declaration.of(AdapterKit.JSON.readTree(
            "{\"about\": \"a\", \"capabilities\": [\"format:n5\", \"op:read\"], \"format_gaps\": {\"n5\": {\"op:write\": \"read-only\"}}}"));
        assertEquals(List.of("format:n5", "op:read"), declared.capabilities());
        assertEquals(Map.of("n5", List.of("op:write")), declared.formatGaps());
    }

    @Test
    void helloSortsTokensAndLeavesOutEmptyGaps() {
        ObjectNode reply = AdapterKit.helloReply(FAKE);
        assertEquals("[\"format:zarr3\",\"op:read\"]", reply.get("capabilities").toString());
        assertEquals("{\"zarr3\":[\"codec:gzip\",\"op:write\"]}", reply.get("format_gaps").toString());
        assertFalse(reply.get("implementation").has("homepage"));
    }

    @Test
    void anEquivalenceCaseReadsTheDeclaredFormatsAndRoundTrips(@TempDir Path output) throws Exception {
        JsonNode testCase = json("{\"format\": \"any\", \"operation\": {\"op\": \"read\", \"selection\": null},"
            + " \"input\": {\"stores\": {\"zarr2\": \"a\", \"zarr3\": \"b\"}}}");
        JsonNode result = AdapterKit.runCase(FAKE, testCase, Path.of("/input"), output);
        assertEquals("{\"arrays\":{\"zarr3\":\"zarr3/array.json\"}}", result.toString());
        AdapterKit.ArrayValues values = AdapterKit.readArray(output.resolve("zarr3/array.json"));
        assertArrayEquals(new byte[] {5}, values.raw());
        assertArrayEquals(new long[] {1}, values.shape());
        assertTrue(Files.exists(output.resolve("zarr3/array.bin")));
    }

    @Test
    void runRepliesCarryTheSeqAndTheFailure() throws Exception {
        JsonNode message = json("{\"cmd\": \"run\", \"seq\": 7, \"input\": \"/input\", \"output\": \"/output\","
            + " \"case\": {\"format\": \"zarr3\", \"operation\": {\"op\": \"metadata\"}, \"input\": {\"store\": \"s\"}}}");
        assertEquals("{\"seq\":7,\"status\":\"skipped\",\"reason\":\"the adapter does not describe nodes\"}",
            AdapterKit.runReply(FAKE, message).toString());
        assertThrows(java.io.IOException.class, () -> AdapterKit.inside(Path.of("/input"), "../x"));
    }

    @Test
    void storeUrlIsTheServedUrlOfAStoreInARunOverHttpOnly() throws Exception {
        String[] seen = new String[1];
        AdapterKit.Adapter probe = new AdapterKit.Adapter() {
            @Override
            public AdapterKit.Hello hello() {
                return FAKE.hello();
            }

            @Override
            public AdapterKit.ArrayValues read(Path store, String node, String format, JsonNode selection)
                throws Exception {
                seen[0] = AdapterKit.storeUrl(store);
                return FAKE.read(store, node, format, selection);
            }
        };
        String run = "{\"cmd\": \"run\", \"seq\": 1, \"input\": \"/input\", \"output\": \"%s\"%s,"
            + " \"case\": {\"format\": \"zarr3\", \"operation\": {\"op\": \"read\"}, \"input\": {\"store\": \"data/s\"}}}";
        Path output = Files.createTempDirectory("kit-");
        AdapterKit.runReply(probe, json(String.format(run, output, ", \"input_url\": \"http://127.0.0.1:9/c1\"")));
        assertEquals("http://127.0.0.1:9/c1/data/s", seen[0]);
        AdapterKit.runReply(probe, json(String.format(run, output, "")));
        assertEquals(null, seen[0]);
    }

    private static long[] longs(String text) {
        return text.isEmpty() ? new long[0] : java.util.Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
