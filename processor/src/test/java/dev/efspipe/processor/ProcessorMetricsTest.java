package dev.efspipe.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.metrics.EmfSpecification;
import dev.efspipe.metrics.PipelineMetrics;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.config.SuspendRule;
import dev.efspipe.sqs.SqsBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job run becomes one EMF document naming its outcome (published with its sizes, failed, suspended, retried,
 * or a claim conflict), under the Function dimension only; each is a document CloudWatch accepts.
 */
class ProcessorMetricsTest {
    private static final String BATCH = "events/process-batch.json";
    private static final String MISSING = "events/process-missing-inbox-file.json";

    @TempDir
    Path efsRoot;

    private final List<String> lines = new ArrayList<>();
    private ProcessorHandler handler;

    @BeforeEach
    void setUp() throws IOException {
        handler = new ProcessorHandler(new ProcessorService(ProcessorConfig.forEfsRoot(efsRoot), null, null, Clock.systemUTC(),
                PipelineMetrics.writingTo(lines::add, "processor", false, Clock.systemUTC())));
        EfsLayout layout = new EfsLayout(efsRoot);
        for (String[] file : new String[][] {{"uploads/orders.json", "[{\"item\":\"tea\"},{\"item\":\"jam\"}]"},
                {"uploads/broken.json", "[{\"id\":1},{\"id"}}) {
            Path path = layout.inbox().resolve(file[0]);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file[1], StandardCharsets.UTF_8);
        }
    }

    private List<JsonNode> documents() throws IOException {
        lines.forEach(line -> assertThat(EmfSpecification.problems(line)).as(line).isEmpty());
        return EmfSpecification.documents(lines);
    }

    @Test
    void publishedJobReportsItsSizesAndFailedJobItsFailure() throws IOException {
        handler.handleRequest(EventLoader.loadSQSEvent(BATCH), null);

        List<JsonNode> documents = documents();
        assertThat(documents).as("one document per job (the body that is not a job has none)").hasSize(2);
        JsonNode published = documents.stream().filter(d -> d.has("JobsPublished")).findFirst().orElseThrow();
        assertThat(published.path("Records").asLong()).isEqualTo(2);
        assertThat(published.path("Parts").asLong()).isEqualTo(1);
        assertThat(published.path("InputBytes").asLong()).isEqualTo(31);
        assertThat(published.path("EfsBytesRead").asLong()).isGreaterThanOrEqualTo(31);
        assertThat(published.path("EfsBytesWritten").asLong()).isPositive();
        assertThat(published.has("JobDuration")).isTrue();
        assertThat(published.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Function\"]]");
        assertThat(documents).anySatisfy(d -> assertThat(d.path("JobsFailed").asLong()).isEqualTo(1));
    }

    @Test
    void aSecondDeliveryIsAClaimConflict() throws IOException {
        SQSEvent batch = EventLoader.loadSQSEvent(BATCH);
        handler.handleRequest(batch, null);
        lines.clear();

        handler.handleRequest(batch, null);

        assertThat(documents()).hasSize(2).allSatisfy(d -> assertThat(d.path("ClaimConflicts").asLong()).isEqualTo(1));
    }

    @Test
    void aJobStoppedAtACheckpointIsCountedAsSuspended() throws IOException {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            many.append(i == 0 ? "" : ",").append("{\"n\":").append(i).append(",\"pad\":\"").append("x".repeat(40)).append("\"}");
        }
        Path input = new EfsLayout(efsRoot).inbox().resolve("uploads/many.json");
        Files.writeString(input, many.append(']'), StandardCharsets.UTF_8);
        // Stop after the first part: the rule a function's remaining time applies, made deterministic by bytes.
        ProcessorService service = new ProcessorService(ProcessorConfig.forEfsRoot(efsRoot).withPartMaxBytes(4_096)
                .withSuspend(new SuspendRule(SuspendRule.DEFAULT.margin(), 1)), null, null, Clock.systemUTC(),
                PipelineMetrics.writingTo(lines::add, "processor", false, Clock.systemUTC()));
        Job job = Job.of(UploadSource.efs("uploads/many.json", "e-many", Files.size(input)), DatasetName.of("many"), Instant.now());

        // No process queue here: the continuation cannot be sent, so the message comes back (and would resume).
        assertThat(service.handle("m-many", Json.MAPPER.writeValueAsString(job), "request-1", null)).isEqualTo(SqsBatch.Result.RETRY);

        assertThat(documents()).singleElement().satisfies(d -> {
            assertThat(d.path("JobsSuspended").asLong()).isEqualTo(1);
            assertThat(d.has("JobsPublished")).isFalse();
            assertThat(d.has("JobsRetried")).as("the run itself ended well").isFalse();
        });
    }

    @Test
    void aTransientFailureIsCountedAsARetry() throws IOException {
        handler.handleRequest(EventLoader.loadSQSEvent(MISSING), null);

        assertThat(documents()).singleElement().satisfies(d -> {
            assertThat(d.path("JobsRetried").asLong()).isEqualTo(1);
            assertThat(d.has("JobsPublished")).isFalse();
        });
    }
}
