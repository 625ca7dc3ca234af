package dev.efspipe.processor.json;

import dev.efspipe.manifest.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RecordScanner} is held to Jackson's parser: for the same document, the scanner's split (top-level arrays
 * and NDJSON) and the parser's split write the same records, sum up the same fields, and fail with the same
 * message at the same place. Valid documents of every kind of value, invalid ones of every kind of mistake, and
 * thousands of random documents with a byte changed, inserted or removed.
 */
class RecordScannerTest {
    private static final String SOURCE = "doc.json";

    /** What one split did: its records (with their pointers) and field summary, or its failure's message. */
    private record Outcome(List<String> records, String fields, String failure) {}

    private static Outcome split(JsonRecordSplitter splitter, byte[] json) {
        FieldSummary summary = new FieldSummary();
        List<String> records = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        String[] pointer = new String[1];
        RecordSink sink = new RecordSink() {
            @Override
            public boolean skipping() {
                return false;
            }

            @Override
            public void skipRecord() {
            }

            @Override
            public OutputStream recordStream(String source, String p) {
                current.reset();
                pointer[0] = p;
                return current;
            }

            @Override
            public void endRecord() {
                // The parser's path ends a root-level number after the blank that ends it ("4\t" for NDJSON "4\t2"), the
                // scanner at its last digit: the same value, compared without that blank.
                records.add(pointer[0] + " " + current.toString(StandardCharsets.UTF_8).stripTrailing());
            }

            @Override
            public FieldSummary fields() {
                return summary;
            }

            @Override
            public int metadataRoom() {
                return 0;
            }

            @Override
            public void metadata(String source, String name, byte[] value, int offset, int length, long size) {
            }
        };
        try {
            long n = splitter.split(new ByteArrayInputStream(json), SOURCE, sink);
            assertThat(n).isEqualTo(records.size());
            Manifest.Fields fields = summary.snapshot();
            return new Outcome(records, fields.toString(), null);
        } catch (IOException e) {
            return new Outcome(null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void assertSameAsJackson(byte[] json, JsonLimits limits) {
        Outcome scanned = split(new JsonRecordSplitter(limits, true), json);
        Outcome parsed = split(new JsonRecordSplitter(limits, false), json);
        assertThat(scanned).as("split of %s", new String(json, StandardCharsets.UTF_8)).isEqualTo(parsed);
    }

    private static void assertSameAsJackson(String json) {
        assertSameAsJackson(json.getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]", " [ ] ", "[1]", "[1,2,3]", "[-0,0.5,-1.25e+10,3E-2,1e5,123456789012345678901234567890]",
            "[true,false,null]", "[\"\",\"a\",\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"]",
            "[{}, [], {\"a\":[]}, [{}]]", "[{\"a\":1,\"b\":{\"c\":[1,{\"d\":null}]}}, {\"b\":{\"c\":[]},\"a\":\"x\"}]",
            "[\n  {\n    \"id\": 1,\r\n    \"name\": \"Gdańsk €\"\n  },\r\n  {\"id\": 2}\n]\n",
            "\uFEFF[{\"bom\":true}]", "[{\"a\\u0062\":1},{\"ab\":2},{\"a\\nb\":3}]", "[{\"x\":1,\"y\":2},{\"y\":3,\"x\":4}]",
            "[\"😀\",{\"😀\":\"𝄞\"}]", "[[[[[[[[[[[[1]]]]]]]]]]]]", "[{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}}}}}]",
            "{\"a\":1}\n{\"b\":2}\n", "1\n2\n3", "{\"a\":1}\r\n\r\n{\"a\":[1,2]}\r\n", "[1]\n[2]\n", "\"a\"\n\"b\"\n",
            "{\"a\":1}\n{\"b\":\n2}\n{\"c\":3}", "{\"a\":1}\n  {\"b\":2}  \n\n"})
    void validDocumentsGiveTheSameRecordsAndFields(String json) {
        assertSameAsJackson(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "[1}", "[{]", "[{\"a\"}]", "[{\"a\":}]", "[{\"a\" 1}]",
            "[{\"a\":1,}]", "[{a:1}]", "[{'a':1}]", "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[1e+]", "[+1]", "[NaN]",
            "[Infinity]", "[-Infinity]", "[tru]", "[truex]", "[nul]", "[True]", "[\"abc]", "[\"a\\x\"]", "[\"\\u12G4\"]",
            "[\"a\tb\"]", "[\"a\nb\"]", "[1] x", "[1] [2]", "[1]\n]", "[1]]", "[1] // c", "[/* c */ 1]", "[# c\n1]",
            "[{\"a\":1,\"a\":2}]", "[{\"a\":{\"b\":1,\"b\":1}}]", "[1]\u0000", "{\"a\":1}\n{\"b\":}\n", "{\"a\":1}\n{\"b\":2} x\n",
            "1\n2x\n", "{\"a\":1}\n[1,]\n", "{\"a\":1}\n{\"a\":1,\"a\":1}\n", "[1,\n2,\n{\"x\":\n]"})
    void invalidDocumentsFailWithTheSameMessage(String json) {
        assertSameAsJackson(json);
    }

    @Test
    void limitsStopBothAtTheSameRecordWithTheSameMessage() {
        assertSameAsJackson("[[1],[[[1]]]]".getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULTS.withMaxDepth(3));
        assertSameAsJackson("[{\"a\":1},{\"b\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]".getBytes(StandardCharsets.UTF_8),
                JsonLimits.DEFAULTS.withMaxRecordBytes(16));
    }

    @ParameterizedTest
    @ValueSource(strings = {"C0AF", "C1BF", "E080AF", "EDA080", "EDBFBF", "F4908080", "F5808080", "80", "BF", "E282", "F09F98",
            "FF", "FE", "C3", "C328", "E228A1", "F0288C28"})
    void invalidUtf8FailsWithTheSameMessage(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        for (String around : new String[] {"[\"%s\"]", "[{\"%s\":1}]", "{\"a\":\"x%s\"}\n"}) {
            String[] halves = around.split("%s");
            byte[] head = halves[0].getBytes(StandardCharsets.UTF_8);
            byte[] tail = halves[1].getBytes(StandardCharsets.UTF_8);
            byte[] json = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, json, 0, head.length);
            System.arraycopy(bad, 0, json, head.length, bad.length);
            System.arraycopy(tail, 0, json, head.length + bad.length, tail.length);
            assertSameAsJackson(json, JsonLimits.DEFAULTS);
        }
    }

    @Test
    void randomDocumentsWithOneByteChangedGiveTheSameOutcome() {
        Random random = new Random(20261202);
        byte[] alphabet = "{}[]\":,0123456789.-+eEtrufalsn \n\r\t\\/abu".getBytes(StandardCharsets.US_ASCII);
        int differentOutcomes = 0;
        for (int i = 0; i < 4000; i++) {
            StringBuilder doc = new StringBuilder();
            boolean ndjson = random.nextInt(4) == 0;
            if (ndjson) {
                int n = 1 + random.nextInt(4);
                for (int r = 0; r < n; r++) {
                    value(random, doc, 0);
                    doc.append('\n');
                }
            } else {
                doc.append('[');
                int n = random.nextInt(5);
                for (int r = 0; r < n; r++) {
                    if (r > 0) {
                        doc.append(random.nextBoolean() ? "," : ",\n ");
                    }
                    value(random, doc, 0);
                }
                doc.append(']');
            }
            byte[] json = doc.toString().getBytes(StandardCharsets.UTF_8);
            byte[] changed = mutate(random, json, alphabet);
            Outcome scanned = split(new JsonRecordSplitter(JsonLimits.DEFAULTS, true), changed);
            Outcome parsed = split(new JsonRecordSplitter(JsonLimits.DEFAULTS, false), changed);
            assertThat(scanned).as("split of %s", new String(changed, StandardCharsets.UTF_8)).isEqualTo(parsed);
            if (parsed.failure() != null) {
                differentOutcomes++;
            }
        }
        assertThat(differentOutcomes).as("documents made invalid by the change").isGreaterThan(1000);
    }

    @Test
    void theMembersOfALargeMapAfterTheLookAheadGiveTheSameOutcome() {
        // Past the look-ahead the scanner takes a map-like document over from the parser: the members after it, valid
        // or with a byte changed, must come out as the parser's path makes them.
        StringBuilder head = new StringBuilder("{");
        for (int i = 0; head.length() <= JsonRecordSplitter.LOOKAHEAD_BYTES; i++) {
            head.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":{\"n\":").append(i).append(",\"s\":\"v\"}");
        }
        Random random = new Random(7);
        byte[] alphabet = "{}[]\":,0123456789.-eEtrufalsn \n\\/u".getBytes(StandardCharsets.US_ASCII);
        int invalid = 0;
        for (int i = 0; i < 50; i++) {
            StringBuilder tail = new StringBuilder();
            int n = 1 + random.nextInt(4);
            for (int m = 0; m < n; m++) {
                tail.append(random.nextBoolean() ? ",\n  " : ",").append('"').append(NAMES[random.nextInt(NAMES.length)]).append("\": ");
                value(random, tail, 0);
            }
            tail.append(random.nextBoolean() ? "}" : "\n}\n");
            byte[] end = tail.toString().getBytes(StandardCharsets.UTF_8);
            byte[] changed = i % 5 == 0 ? end : mutate(random, end, alphabet);
            byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
            byte[] json = new byte[start.length + changed.length];
            System.arraycopy(start, 0, json, 0, start.length);
            System.arraycopy(changed, 0, json, start.length, changed.length);
            Outcome scanned = split(new JsonRecordSplitter(JsonLimits.DEFAULTS, true), json);
            Outcome parsed = split(new JsonRecordSplitter(JsonLimits.DEFAULTS, false), json);
            assertThat(scanned).as("split of …%s", new String(changed, StandardCharsets.UTF_8)).isEqualTo(parsed);
            invalid += parsed.failure() != null ? 1 : 0;
        }
        assertThat(invalid).as("documents made invalid by the change").isGreaterThan(15);
    }

    private static byte[] mutate(Random random, byte[] json, byte[] alphabet) {
        if (json.length == 0) {
            return json;
        }
        int at = random.nextInt(json.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(3)) {
            case 0 -> { // change
                out.write(json, 0, at);
                out.write(alphabet[random.nextInt(alphabet.length)]);
                out.write(json, at + 1, json.length - at - 1);
            }
            case 1 -> { // insert
                out.write(json, 0, at);
                out.write(alphabet[random.nextInt(alphabet.length)]);
                out.write(json, at, json.length - at);
            }
            default -> { // remove
                out.write(json, 0, at);
                out.write(json, at + 1, json.length - at - 1);
            }
        }
        return out.toByteArray();
    }

    private static final String[] NAMES = {"id", "name", "a", "b", "x\\ny", "é", "tags", "\\u0041"};
    private static final String[] STRINGS = {"", "text", "Gdańsk", "tea \\\"green\\\"", "\\u00e9\\t", "😀", "a/b"};
    private static final String[] NUMBERS = {"0", "-1", "12.5", "1e10", "-0.0E-3", "42"};

    private static void value(Random random, StringBuilder out, int depth) {
        int kind = random.nextInt(depth > 3 ? 4 : 6);
        switch (kind) {
            case 0 -> out.append('"').append(STRINGS[random.nextInt(STRINGS.length)]).append('"');
            case 1 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 2 -> out.append(random.nextBoolean() ? "true" : "false");
            case 3 -> out.append("null");
            case 4 -> {
                out.append('{');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append('"').append(NAMES[random.nextInt(NAMES.length)]).append("\":");
                    value(random, out, depth + 1);
                }
                out.append('}');
            }
            default -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    value(random, out, depth + 1);
                }
                out.append(']');
            }
        }
    }
}
