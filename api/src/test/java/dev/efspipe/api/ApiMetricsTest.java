package dev.efspipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.JobId;
import dev.efspipe.logging.LogContext;
import dev.efspipe.metrics.EmfSpecification;
import dev.efspipe.metrics.PipelineMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api's metrics: one EMF document per request, which CloudWatch accepts, counting the request, whether it
 * was the client's mistake (4xx) or ours (5xx), and its latency; the request id and the job it was about as
 * properties, for Logs Insights.
 */
class ApiMetricsTest {
    private static final String UNKNOWN_JOB = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path efs;
    private final List<String> lines = new ArrayList<>();

    private ApiService api() {
        return TestApi.service(TestApi.config(efs), PipelineMetrics.writingTo(lines::add, "api", false, Clock.systemUTC()));
    }

    @Test
    void eachRequestIsOneDocumentCountedByStatusClass() throws Exception {
        ApiService api = api();

        assertThat(TestApi.call(api, "GET", "/api/messages").status()).isEqualTo(200);
        assertThat(TestApi.call(api, "GET", "/api/jobs/" + UNKNOWN_JOB).status()).isEqualTo(404);
        assertThat(TestApi.call(api, "GET", "/api/jobs/not-a-job-id").status()).isEqualTo(400);

        lines.forEach(line -> assertThat(EmfSpecification.problems(line)).as(line).isEmpty());
        List<JsonNode> documents = EmfSpecification.documents(lines);
        assertThat(documents).hasSize(3).allSatisfy(d -> {
            assertThat(d.path(PipelineMetrics.API_REQUESTS).asLong()).isEqualTo(1);
            assertThat(d.path(PipelineMetrics.API_SERVER_ERRORS).asLong()).isZero();
            assertThat(d.path(PipelineMetrics.API_LATENCY).isNumber()).isTrue();
            assertThat(d.path(PipelineMetrics.FUNCTION).asText()).isEqualTo("api");
            assertThat(d.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Function\"]]");
        });
        assertThat(documents).extracting(d -> d.path("status").asInt()).containsExactly(200, 404, 400);
        assertThat(documents).extracting(d -> d.path(PipelineMetrics.API_CLIENT_ERRORS).asLong()).containsExactly(0L, 1L, 1L);
    }

    @Test
    void aRequestAboutAJobCarriesItsJobIdAndRequestId() throws Exception {
        try (LogContext.Scope request = LogContext.with(LogContext.REQUEST_ID, "request-7")) {
            TestApi.call(api(), "GET", "/api/jobs/" + UNKNOWN_JOB);
        }

        JsonNode document = EmfSpecification.documents(lines).get(0);
        assertThat(document.path(LogContext.JOB_ID).asText()).isEqualTo(UNKNOWN_JOB);
        assertThat(document.path(LogContext.REQUEST_ID).asText()).isEqualTo("request-7");
        assertThat(LogContext.current()).as("the request's context ends with it").isEmpty();
    }

    @Test
    void storageFailureIsAServerError() throws Exception {
        // A job record that cannot be read as a file: EFS answers with an I/O error, the api with 503.
        Files.createDirectories(new EfsLayout(efs).jobRecord(new JobId(UNKNOWN_JOB)));

        ApiResponse response = TestApi.call(api(), "GET", "/api/jobs/" + UNKNOWN_JOB);

        assertThat(response.status()).isEqualTo(503);
        JsonNode document = EmfSpecification.documents(lines).get(0);
        assertThat(document.path(PipelineMetrics.API_SERVER_ERRORS).asLong()).isEqualTo(1);
        assertThat(document.path(PipelineMetrics.API_CLIENT_ERRORS).asLong()).isZero();
    }
}
