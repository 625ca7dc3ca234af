package dev.efspipe.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.efspipe.metrics.EmbeddedMetrics.Unit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EmbeddedMetrics} writes documents CloudWatch accepts (checked by {@link EmfSpecification}). */
class EmbeddedMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T20:00:00.123Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = new ArrayList<>();
    private final EmbeddedMetrics metrics = new EmbeddedMetrics("efspipe", Map.of("Function", "processor"), lines::add,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void documentHasTheSpecificationsShapeAndItsTargetMembers() throws Exception {
        metrics.document()
                .count("JobsPublished", 1)
                .add("InputBytes", 1_500_000_000L, Unit.BYTES)
                .add("JobDuration", 12_345, Unit.MILLISECONDS)
                .property("jobId", "3f2a")
                .emit();

        assertThat(lines).hasSize(1);
        assertThat(EmfSpecification.problems(lines.get(0))).isEmpty();
        JsonNode document = JSON.readTree(lines.get(0));
        assertThat(document.at("/_aws/Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        JsonNode directive = document.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.path("Namespace").asText()).isEqualTo("efspipe");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Function\"]]");
        assertThat(directive.path("Metrics").toString()).isEqualTo("[{\"Name\":\"JobsPublished\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"InputBytes\",\"Unit\":\"Bytes\"},{\"Name\":\"JobDuration\",\"Unit\":\"Milliseconds\"}]");
        assertThat(document.path("Function").asText()).isEqualTo("processor");
        assertThat(document.path("JobsPublished").asLong()).isEqualTo(1);
        assertThat(document.path("InputBytes").asLong()).isEqualTo(1_500_000_000L);
        assertThat(document.path("jobId").asText()).isEqualTo("3f2a");
    }

    @Test
    void dimensionSplitsEverySetAndAlsoByAddsASet() throws Exception {
        metrics.document().dimension("Reason", "malformed").alsoBy("Dataset", "orders").count("IngestRejections", 2).emit();

        assertThat(EmfSpecification.problems(lines.get(0))).isEmpty();
        JsonNode document = JSON.readTree(lines.get(0));
        assertThat(document.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
                .isEqualTo("[[\"Function\",\"Reason\"],[\"Function\",\"Dataset\"]]");
        assertThat(document.path("Reason").asText()).isEqualTo("malformed");
        assertThat(document.path("Dataset").asText()).isEqualTo("orders");
    }

    @Test
    void textFromInputIsEscapedAndStaysOnOneLine() throws Exception {
        String hostile = "line\nbreak \"quoted\" \u0000 \u2028 \\ end";
        metrics.document().alsoBy("Dataset", hostile).count("Records", 3).property("key", hostile).emit();

        String line = lines.get(0);
        assertThat(line).doesNotContain("\n").doesNotContain("\u0000");
        assertThat(EmfSpecification.problems(line)).isEmpty();
        assertThat(JSON.readTree(line).path("key").asText()).isEqualTo(hostile);
    }

    @Test
    void aMetricRecordedTwiceIsSummedAndAnEmptyDocumentWritesNothing() throws Exception {
        EmbeddedMetrics.Document document = metrics.document();
        document.emit();
        assertThat(lines).isEmpty();

        document.count("Parts", 2).count("Parts", 3).emit();
        assertThat(JSON.readTree(lines.get(0)).path("Parts").asLong()).isEqualTo(5);
        document.emit();
        assertThat(lines).as("metrics are cleared by emit").hasSize(1);
    }

    @Test
    void fractionalValuesAreWrittenAsNumbers() throws Exception {
        metrics.document().add("Ratio", 0.25, Unit.PERCENT).emit();

        assertThat(EmfSpecification.problems(lines.get(0))).isEmpty();
        assertThat(JSON.readTree(lines.get(0)).path("Ratio").asDouble()).isEqualTo(0.25);
    }

    @Test
    void specificationCheckRejectsWhatCloudWatchWouldNot() {
        // The checker itself must fail on documents that break the rules, or the tests above prove nothing.
        assertThat(EmfSpecification.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[[\"Function\"]],\"Metrics\":[{\"Name\":\"Jobs\",\"Unit\":\"Count\"}]}]},\"Jobs\":1}"))
                .as("a dimension without its member").isNotEmpty();
        assertThat(EmfSpecification.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"Jobs\",\"Unit\":\"Things\"}]}]},\"Jobs\":1}"))
                .as("a unit CloudWatch does not know").isNotEmpty();
        assertThat(EmfSpecification.problems("{\"_aws\":{\"Timestamp\":\"now\",\"CloudWatchMetrics\":[]}}"))
                .as("a timestamp that is not an integer").isNotEmpty();
        assertThat(EmfSpecification.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"Jobs\"}]}]},\"Jobs\":\"one\"}"))
                .as("a metric whose value is a string").isNotEmpty();
    }

    @Test
    void limitsOfTheSpecificationAreRefusedWithTheirValues() {
        EmbeddedMetrics.Document document = metrics.document();
        for (int i = 0; i < EmbeddedMetrics.MAX_METRICS; i++) {
            document.count("M" + i, 1);
        }
        assertThatThrownBy(() -> document.count("OneTooMany", 1))
                .hasMessage("An EMF document holds at most 100 metrics; OneTooMany would be one more");
        assertThatThrownBy(() -> metrics.document().count("Jobs", 1).add("Jobs", 1, Unit.BYTES))
                .hasMessage("Metric Jobs is in Count, not Bytes");
        assertThatThrownBy(() -> metrics.document().add("Jobs", Double.NaN, Unit.COUNT))
                .hasMessage("Metric Jobs must be a finite number, got NaN");
        assertThatThrownBy(() -> metrics.document().dimension("Reason", " "))
                .hasMessageContaining("Dimension Reason needs a value of 1 to 1024 characters");
        assertThatThrownBy(() -> new EmbeddedMetrics("", Map.of(), lines::add, Clock.systemUTC()))
                .hasMessageContaining("A CloudWatch namespace is 1 to 255 characters");
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < EmbeddedMetrics.MAX_DIMENSIONS; i++) {
            many.put("D" + i, "v");
        }
        EmbeddedMetrics wide = new EmbeddedMetrics("efspipe", many, lines::add, Clock.systemUTC());
        assertThatThrownBy(() -> wide.document().dimension("OneTooMany", "v"))
                .hasMessage("A dimension set holds at most 30 dimensions");
    }
}
