package dev.efspipe.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.efspipe.config.Settings;
import dev.efspipe.config.TelemetryConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the pipeline's metrics are written, and under which dimensions. */
class PipelineMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();

    private PipelineMetrics from(Map<String, String> env) {
        return PipelineMetrics.from(TelemetryConfig.from(Settings.environment(env), "processor"), lines::add, Clock.systemUTC());
    }

    @Test
    void inLambdaMetricsAreWrittenUnderTheFunctionsName() throws Exception {
        PipelineMetrics metrics = from(Map.of("AWS_LAMBDA_FUNCTION_NAME", "efspipe-ProcessorFunction-1A2B",
                "AWS_EXECUTION_ENV", "AWS_Lambda_java21"));

        metrics.document().count(PipelineMetrics.JOBS_PUBLISHED, 1).emit();

        assertThat(metrics.enabled()).isTrue();
        assertThat(lines).hasSize(1);
        assertThat(EmfSpecification.problems(lines.get(0))).isEmpty();
        JsonNode document = JSON.readTree(lines.get(0));
        assertThat(document.path("Function").asText()).isEqualTo("efspipe-ProcessorFunction-1A2B");
        assertThat(document.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("efspipe");
    }

    @Test
    void outsideLambdaMetricsAreWrittenOnlyWithTheJsonLogFormat() {
        // The local stack names its functions as Lambda does: that alone does not make it Lambda.
        PipelineMetrics text = from(Map.of("AWS_LAMBDA_FUNCTION_NAME", "processor"));
        text.document().count(PipelineMetrics.JOBS_PUBLISHED, 1).emit();
        assertThat(text.enabled()).isFalse();
        assertThat(lines).isEmpty();

        PipelineMetrics json = from(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));
        json.document().count(PipelineMetrics.JOBS_PUBLISHED, 1).emit();
        assertThat(json.enabled()).isTrue();
        assertThat(lines).hasSize(1).allSatisfy(line -> assertThat(line).contains("\"Function\":\"processor\""));
    }

    @Test
    void datasetsAreADimensionOnlyWhenConfigured() throws Exception {
        from(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON")).documentFor("orders").count(PipelineMetrics.RECORDS, 5).emit();
        from(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", TelemetryConfig.DATASET_DIMENSION, "true"))
                .documentFor("orders").count(PipelineMetrics.RECORDS, 5).emit();

        assertThat(JSON.readTree(lines.get(0)).at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
                .isEqualTo("[[\"Function\"]]");
        assertThat(JSON.readTree(lines.get(0)).has("Dataset")).isFalse();
        assertThat(JSON.readTree(lines.get(1)).at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
                .isEqualTo("[[\"Function\"],[\"Function\",\"Dataset\"]]");
        assertThat(EmfSpecification.problems(lines.get(1))).isEmpty();
    }

    @Test
    void aBadDatasetDimensionSettingNamesTheVariable() {
        assertThatThrownBy(() -> from(Map.of(TelemetryConfig.DATASET_DIMENSION, "yes")))
                .hasMessage("PIPELINE_METRICS_DATASET_DIMENSION='yes' (from the environment) must be true or false");
        assertThatThrownBy(() -> from(Map.of(TelemetryConfig.LOG_FORMAT, "XML")))
                .hasMessage("AWS_LAMBDA_LOG_FORMAT='XML' (from the environment) must be JSON or TEXT");
    }
}
