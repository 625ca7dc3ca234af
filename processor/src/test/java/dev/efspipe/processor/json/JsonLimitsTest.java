package dev.efspipe.processor.json;

import dev.efspipe.config.Permissions;
import dev.efspipe.config.Settings;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.processor.output.StagingOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Each JSON limit, configured small through the environment, stops a small document that crosses it with
 * a message naming the document, the record, the variable that sets the limit and where its value came
 * from. One valid record comes first in each document, so the failing one is record 1, not record 0.
 */
class JsonLimitsTest {
    private static final String SOURCE = "orders.json";

    @TempDir
    Path staging;

    private static String origin(String variable) {
        return "from the environment (" + variable + ")";
    }

    /** Splits {@code json} under limits built from {@code environment}, as the processor builds them. */
    private Throwable splitFailure(Map<String, String> environment, String json) {
        JsonRecordSplitter splitter = new JsonRecordSplitter(JsonLimits.from(Settings.environment(environment)));
        return catchThrowable(() -> {
            try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
                splitter.split(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), SOURCE, out);
            }
        });
    }

    @Test
    void aRecordNestedDeeperThanTheDepthLimitNamesTheLimitAndItsOrigin() {
        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_DEPTH, "3"), "[[1],[[[1]]]]");

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": ")
                .hasMessageContaining("nesting depth (4) exceeds the maximum allowed (3)")
                .hasMessageFindingMatch(" at record 1\\b")
                .hasMessageContaining(JsonLimits.MAX_DEPTH + ", " + origin(JsonLimits.MAX_DEPTH));
    }

    @Test
    void aNumberLongerThanTheNumberLimitNamesTheLimitAndItsOrigin() {
        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_NUMBER_LENGTH, "5"), "[{\"n\":12345},{\"n\":123456}]");

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": ")
                .hasMessageContaining("Number value length (6) exceeds the maximum allowed (5)")
                .hasMessageFindingMatch(" at record 1\\b")
                .hasMessageContaining(JsonLimits.MAX_NUMBER_LENGTH + ", " + origin(JsonLimits.MAX_NUMBER_LENGTH));
    }

    @Test
    void aFieldNameLongerThanTheNameLimitNamesTheLimitAndItsOrigin() {
        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_NAME_LENGTH, "5"), "[{\"abcde\":1},{\"abcdef\":1}]");

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": ")
                .hasMessageContaining("Name length (6) exceeds the maximum allowed (5)")
                .hasMessageFindingMatch(" at record 1\\b")
                .hasMessageContaining(JsonLimits.MAX_NAME_LENGTH + ", " + origin(JsonLimits.MAX_NAME_LENGTH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"s\":\"abcde\"},{\"s\":\"abcdef\"}]", "{\"s\":\"abcde\"}\n{\"s\":\"abcdef\"}\n"})
    void aStringValueInsideARecordIsHeldToTheStringLimitByTheScanner(String json) {
        // The scanner (arrays, NDJSON, the members of a large map) checks every string; Jackson's parser, which skips
        // the string values of a record without decoding them, would let this one through.
        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_STRING_LENGTH, "5"), json);

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": ")
                .hasMessageContaining("String value length (6) exceeds the maximum allowed (5)")
                .hasMessageFindingMatch("record 1\\b")
                .hasMessageContaining(JsonLimits.MAX_STRING_LENGTH + ", " + origin(JsonLimits.MAX_STRING_LENGTH));
    }

    @Test
    void aScalarStringRecordLongerThanTheStringLimitNamesTheLimitAndItsOrigin() {
        // Only decoded strings are checked: names, and scalar records (read to their end); a string value inside
        // an object record is skipped and bounded by the record limit instead. Jackson 2.23 measures a string as
        // it outgrows a text segment (the first holds 200 chars, but a recycled buffer from an earlier document on the
        // same thread may hold up to 64 Ki chars), so shorter strings pass even a limit of 5.
        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_STRING_LENGTH, "5"), "[\"abcde\",\"" + "x".repeat(200_000) + "\"]");

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": ")
                .hasMessageContaining("String value length")
                .hasMessageContaining("exceeds the maximum allowed (5)")
                .hasMessageFindingMatch(" at record 1\\b")
                .hasMessageContaining(JsonLimits.MAX_STRING_LENGTH + ", " + origin(JsonLimits.MAX_STRING_LENGTH));
    }

    @Test
    void aDocumentLargerThanTheDocumentLimitStopsBeforeItsEndNamingTheLimitAndItsOrigin() {
        // The parser counts a document's bytes each time it loads more input (8000 bytes at a time), so the
        // document is 40 records of 500 bytes: it stops within the first few loads, long before record 39.
        String record = "{\"b\":\"" + "x".repeat(492) + "\"}";
        String json = "[" + String.join(",", Collections.nCopies(40, record)) + "]";

        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_DOCUMENT_BYTES, "1000"), json);

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": Document length (")
                .hasMessageContaining("exceeds the maximum allowed (1000)")
                .hasMessageContaining(JsonLimits.MAX_DOCUMENT_BYTES + ", " + origin(JsonLimits.MAX_DOCUMENT_BYTES));
        assertThat(recordNamedIn(failure.getMessage())).isBetween(1L, 38L);
    }

    @Test
    void aRecordLargerThanTheRecordLimitNamesTheLimitAndItsOrigin() {
        Throwable failure = splitFailure(Map.of(JsonLimits.MAX_RECORD_BYTES, "16"), "[{\"a\":1},{\"b\":\"" + "x".repeat(100) + "\"}]");

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(SOURCE + ": record 1 (from byte 9, line 1, column 10) is larger than 16 bytes")
                .hasMessageContaining(JsonLimits.MAX_RECORD_BYTES + " = 16, " + origin(JsonLimits.MAX_RECORD_BYTES));
    }

    @Test
    void aRecordOfExactlyTheRecordLimitPasses() throws Exception {
        JsonRecordSplitter splitter = new JsonRecordSplitter(JsonLimits.from(Settings.environment(Map.of(JsonLimits.MAX_RECORD_BYTES, "16"))));
        String sixteen = "{\"b\":\"" + "x".repeat(8) + "\"}";

        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            assertThat(splitter.split(new ByteArrayInputStream(("[" + sixteen + "]").getBytes(StandardCharsets.UTF_8)), SOURCE, out))
                    .isEqualTo(1);
        }
    }

    /** The n of "record n" in a message. */
    private static long recordNamedIn(String message) {
        Matcher m = Pattern.compile("record (\\d+)").matcher(message);
        assertThat(m.find()).as("a record index in: %s", message).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void limitsNotInTheEnvironmentSayTheyAreTheDefaults() {
        Throwable failure = splitFailure(Map.of(), "[[1]," + "[".repeat(501) + "]".repeat(501) + "]");

        assertThat(failure).isInstanceOf(InvalidInputException.class)
                .hasMessageFindingMatch(" at record 1\\b")
                .hasMessageContaining(JsonLimits.MAX_DEPTH + ", from the default");
    }

    @Test
    void aLimitThatIsNotANumberNamesItsVariableAndTheValue() {
        assertThatThrownBy(() -> JsonLimits.from(Settings.environment(Map.of(JsonLimits.MAX_NUMBER_LENGTH, "5k"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JsonLimits.MAX_NUMBER_LENGTH)
                .hasMessageContaining("'5k'");
    }

    @Test
    void eachLimitRemembersThatItCameFromTheEnvironment() {
        JsonLimits limits = JsonLimits.from(Settings.environment(Map.of(JsonLimits.MAX_NAME_LENGTH, " 7 ")));

        assertThat(limits.maxNameLength()).isEqualTo(7);
        assertThat(limits.describe(JsonLimits.MAX_NAME_LENGTH, limits.maxNameLength()))
                .isEqualTo("PIPELINE_JSON_MAX_NAME_LENGTH = 7, from the environment (PIPELINE_JSON_MAX_NAME_LENGTH)");
        assertThat(limits.describe(JsonLimits.MAX_DEPTH, limits.maxDepth()))
                .isEqualTo("PIPELINE_JSON_MAX_DEPTH = 500, from the default");
    }
}
