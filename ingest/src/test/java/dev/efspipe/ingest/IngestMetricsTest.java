package dev.efspipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.efspipe.config.IngestRules;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.metrics.EmfSpecification;
import dev.efspipe.metrics.PipelineMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Ingest's metrics for a mixed batch (sqs-mixed.json): one job queued, one message that could not be queued
 * (an error, retried), one test event ignored, and rejections by reason: three messages from which no
 * announcement can be read (not JSON, not an announcement, an efs-upload with a bad path) and one refused
 * upload (too large). Every document is one CloudWatch accepts.
 */
class IngestMetricsTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T07:00:00Z"), ZoneOffset.UTC);
    private final List<String> lines = new ArrayList<>();
    private final IngestService ingest = new IngestService(
            new RecordingJobQueue(job -> job.source().key().equals("queue-is-down.zip")), new RecordingDeadLetters(),
            new IngestRules(List.of(), List.of(), 5_000_000_000L, List.of()), clock,
            PipelineMetrics.writingTo(lines::add, "ingest", false, clock));

    @Test
    void mixedBatchIsCountedByOutcomeAndRejectionsByReason() throws IOException {
        ingest.handle(EventLoader.loadSQSEvent("events/sqs-mixed.json"));

        lines.forEach(line -> assertThat(EmfSpecification.problems(line)).as(line).isEmpty());
        List<JsonNode> documents = EmfSpecification.documents(lines);
        assertThat(sum(documents, PipelineMetrics.JOBS_QUEUED)).isEqualTo(1);
        assertThat(sum(documents, PipelineMetrics.INGEST_ERRORS)).isEqualTo(1);
        assertThat(sum(documents, PipelineMetrics.ANNOUNCEMENTS_IGNORED)).isEqualTo(1);

        Map<String, Long> rejections = new TreeMap<>();
        for (JsonNode document : documents) {
            if (document.has(PipelineMetrics.INGEST_REJECTIONS)) {
                assertThat(document.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
                        .isEqualTo("[[\"Function\",\"Reason\"]]");
                rejections.merge(document.path("Reason").asText(), document.path(PipelineMetrics.INGEST_REJECTIONS).asLong(), Long::sum);
            }
        }
        assertThat(rejections).containsExactlyEntriesOf(new TreeMap<>(Map.of("malformed", 3L, "refused", 1L)));
    }

    private static long sum(List<JsonNode> documents, String metric) {
        return documents.stream().mapToLong(d -> d.path(metric).asLong(0)).sum();
    }
}
