package dev.efspipe.processor.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.processor.output.StagingOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonRecordSplitterTest {
    private static final String SOURCE = "orders.json";

    @TempDir
    Path staging;

    private final JsonRecordSplitter splitter = new JsonRecordSplitter();

    private long split(String json) throws IOException {
        return split(json.getBytes(StandardCharsets.UTF_8));
    }

    private long split(byte[] json) throws IOException {
        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            return splitter.split(new ByteArrayInputStream(json), SOURCE, out);
        }
    }

    /** Every line of every part file, in part order. */
    private List<String> lines() throws IOException {
        List<String> all = new ArrayList<>();
        Path parts = staging.resolve("parts");
        try (var files = Files.list(parts)) {
            for (Path part : files.sorted().toList()) {
                all.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    @Test
    void writesOneLinePerArrayElementInOrderAsTheElementsBytes() throws IOException {
        long records = split("[ {\"id\": 1},\n  {\"id\": 2} ,\t{\"id\": 3} ]");

        assertThat(records).isEqualTo(3);
        assertThat(lines()).containsExactly("{\"id\": 1}", "{\"id\": 2}", "{\"id\": 3}");
    }

    @Test
    void writesAPrettyPrintedRecordOnOneLineWithItsEscapesAsWritten() throws IOException {
        split("""
                [
                  { "name" : "café",
                    "escaped" : "caf\\u00e9",
                    "said" : "\\"quoted\\"",
                    "path" : "a\\\\b\\nc",
                    "nested" : [ 1 , { "x" : null } , true ] }
                ]
                """);

        assertThat(lines()).hasSize(1);
        String line = lines().get(0);
        assertThat(line).contains("\"caf\\u00e9\"").as("escapes copied, not re-encoded");
        JsonNode record = new ObjectMapper().readTree(line);
        assertThat(record.get("name").asText()).isEqualTo("café");
        assertThat(record.get("escaped").asText()).isEqualTo("café");
        assertThat(record.get("said").asText()).isEqualTo("\"quoted\"");
        assertThat(record.get("path").asText()).isEqualTo("a\\b\nc");
        assertThat(record.get("nested")).isEqualTo(new ObjectMapper().readTree("[1,{\"x\":null},true]"));
    }

    @Test
    void keepsCharactersOutsideTheBasicPlaneAsTheSameString() throws IOException {
        String emoji = "party \uD83C\uDF89 time";
        split("[{\"text\":\"" + emoji + "\"}]");

        JsonNode record = new ObjectMapper().readTree(lines().get(0));
        assertThat(record.get("text").asText()).isEqualTo(emoji);
    }

    @Test
    void keepsNumbersExactly() throws IOException {
        split("[{\"price\":1.10,\"pi\":3.14159265358979323846264338327950288,\"big\":1e400,"
                + "\"int\":123456789012345678901234567890}]");

        ObjectMapper exact = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
        JsonNode record = exact.readTree(lines().get(0));
        assertThat(record.get("price").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(record.get("pi").decimalValue()).isEqualByComparingTo("3.14159265358979323846264338327950288");
        assertThat(record.get("big").isNumber()).as("1e400 stays a number: %s", lines().get(0)).isTrue();
        assertThat(record.get("big").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(record.get("int").bigIntegerValue()).hasToString("123456789012345678901234567890");
        assertThat(lines().get(0)).contains("\"price\":1.10");
    }

    @Test
    void writesTheMembersOfATopLevelObjectWithoutArraysAsKeyValueRecords() throws IOException {
        long records = split("{ \"alice\" : {\"age\": 30, \"tags\": [1, 2]}, \"bob\": null, \"carol\": \"x\" }");

        assertThat(records).isEqualTo(3);
        assertThat(lines()).containsExactly(
                "{\"key\":\"alice\",\"value\":{\"age\": 30, \"tags\": [1, 2]}}",
                "{\"key\":\"bob\",\"value\":null}",
                "{\"key\":\"carol\",\"value\":\"x\"}");
    }

    @Test
    void writesEachMembersNameAsAJsonStringWhateverItsCharacters() throws IOException {
        String longName = "k".repeat(200); // longer than the first buffer for names
        long records = split("{\"plain\": 1, \"quo\\\"te\": 2, \"back\\\\slash\": 3, \"tab\\t\": 4, \"caf\u00e9\": 5, \"\": 6, \""
                + longName + "\": 7, \"\\u0001\": 8}");

        assertThat(records).isEqualTo(8);
        assertThat(lines()).containsExactly(
                "{\"key\":\"plain\",\"value\":1}",
                "{\"key\":\"quo\\\"te\",\"value\":2}",
                "{\"key\":\"back\\\\slash\",\"value\":3}",
                "{\"key\":\"tab\\t\",\"value\":4}",
                "{\"key\":\"caf\u00e9\",\"value\":5}",
                "{\"key\":\"\",\"value\":6}",
                "{\"key\":\"" + longName + "\",\"value\":7}",
                "{\"key\":\"\\u0001\",\"value\":8}");
    }

    @Test
    void splitsAnEmptyArrayIntoNoRecords() throws IOException {
        assertThat(split("[]")).isZero();
        assertThat(staging.resolve("parts")).doesNotExist();
    }

    @Test
    void refusesATruncatedDocumentNamingTheRecordAndPosition() {
        assertThatThrownBy(() -> split("[{\"id\":1},\n{\"id\":2},\n{\"id\":"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("record 2")
                .hasMessageContaining("byte ")
                .hasMessageContaining("line 3")
                .hasMessageContaining("column ");
    }

    @Test
    void refusesGarbageAfterTheRootValue() {
        assertThatThrownBy(() -> split("[{\"id\":1}]\n  oops"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("record 1")
                .hasMessageContaining("byte 13")
                .hasMessageContaining("line 2, column 3");
    }

    @Test
    void refusesASecondRootValue() {
        assertThatThrownBy(() -> split("[{\"id\":1}] [{\"id\":2}]"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("after the root value")
                .hasMessageContaining("byte 11")
                .hasMessageContaining("line 1, column 12");
    }

    @Test
    void refusesAnEmptyDocument() {
        assertThatThrownBy(() -> split(""))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("empty (0 bytes)");
    }

    @Test
    void refusesADocumentOfWhitespaceSayingWhereItEnds() {
        assertThatThrownBy(() -> split("  \n "))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("nothing but whitespace (4 bytes, to line 2, column 2 (byte 4))");
    }

    @Test
    void refusesAScalarRootNamingWhatItIs() {
        assertThatThrownBy(() -> split("42"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("number")
                .hasMessageContaining("not an array or object");
    }

    @Test
    void refusesAStringRootNamingWhatItIs() {
        assertThatThrownBy(() -> split("\"hello\""))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("string")
                .hasMessageContaining("not an array or object");
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] json = {'[', '{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}', ']'};

        assertThatThrownBy(() -> split(json))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("record 0")
                .hasMessageContaining("byte ")
                .hasMessageContaining("UTF-8");
    }

    @Test
    void refusesDuplicateKeysInARecord() {
        assertThatThrownBy(() -> split("[{\"id\":1},{\"id\":2,\"id\":3}]"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("record 1")
                .hasMessageContaining("Duplicate field 'id'");
    }

    @Test
    void keepsARepeatedTopLevelMemberAsTwoRecordsBecauseRememberingEveryNameWouldNotBeConstantMemory() throws IOException {
        assertThat(split("{\"a\":1,\"a\":2}")).isEqualTo(2);

        assertThat(lines()).containsExactly("{\"key\":\"a\",\"value\":1}", "{\"key\":\"a\",\"value\":2}");
    }

    @Test
    void refusesDuplicateKeysInsideAMemberRecord() {
        assertThatThrownBy(() -> split("{\"alice\":{\"age\":1,\"age\":2}}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("record 0")
                .hasMessageContaining("Duplicate field 'age'");
    }

    @Test
    void refusesDuplicateKeysNestedDeeperThanTheFieldSummaryNames() {
        String deep = "{\"a\":".repeat(12) + "{\"x\":1,\"x\":2}" + "}".repeat(12);

        assertThatThrownBy(() -> split("[" + deep + "]"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Duplicate field 'x'");
    }

    @Test
    void theSameFieldInSiblingObjectsIsNoDuplicate() throws IOException {
        assertThat(split("[{\"a\":{\"x\":1},\"b\":{\"x\":2}},{\"a\":{\"x\":3}}]")).isEqualTo(2);
    }

    @Test
    void stopsAtTheNestingLimitNamingIt() {
        JsonRecordSplitter shallow = new JsonRecordSplitter(JsonLimits.DEFAULTS.withMaxDepth(4));
        byte[] json = "[[[[[[1]]]]]]".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> {
            try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
                shallow.split(new ByteArrayInputStream(json), SOURCE, out);
            }
        })
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("nesting depth")
                .hasMessageContaining("(4");
    }

    @Test
    void stopsAtTheRecordSizeLimitNamingItAndWhereItCameFrom() {
        JsonRecordSplitter small = new JsonRecordSplitter(JsonLimits.DEFAULTS.withMaxRecordBytes(100));
        byte[] json = ("[{\"ok\":1},{\"text\":\"" + "x".repeat(500_000) + "\"}]").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> {
            try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
                small.split(new ByteArrayInputStream(json), SOURCE, out);
            }
        })
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("record 1 (from byte 10, line 1, column 11)")
                .hasMessageContaining("larger than 100 bytes")
                .hasMessageContaining(JsonLimits.MAX_RECORD_BYTES);
    }

    @Test
    void leavesTheInputStreamOpen() throws IOException {
        CloseRecordingInputStream in = new CloseRecordingInputStream(
                new ByteArrayInputStream("[{\"id\":1}]".getBytes(StandardCharsets.UTF_8)));

        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            splitter.split(in, SOURCE, out);
        }

        assertThat(in.closed).isFalse();
    }

    @Test
    void leavesTheInputStreamOpenWhenTheDocumentIsInvalid() {
        CloseRecordingInputStream in = new CloseRecordingInputStream(
                new ByteArrayInputStream("[{\"id\":".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> {
            try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
                splitter.split(in, SOURCE, out);
            }
        }).isInstanceOf(InvalidInputException.class);
        assertThat(in.closed).isFalse();
    }

    private static final class CloseRecordingInputStream extends FilterInputStream {
        boolean closed;

        CloseRecordingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
