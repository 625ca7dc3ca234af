package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAtt;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.properties;
import static dev.efspipe.local.deploy.Template.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.json.Json;
import dev.efspipe.metrics.PipelineMetrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code template.yaml} gives the people who operate the pipeline (README "Operating it"): JSON logs for
 * every function, alarms on the pipeline's own failed-jobs metric, on the age of the oldest message of both
 * queues and on ingest errors, each notifying the alarm topics, and an optional dashboard that shows only
 * metrics the code writes. The alarms on the pipeline's metrics are checked against the names the code uses
 * ({@link PipelineMetrics}), so a renamed metric cannot leave an alarm watching nothing.
 */
class TemplateOperationsTest {

    private static final String INGEST_FUNCTION = "IngestFunction";
    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void everyFunctionLogsJson() {
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        assertThat(functions).isNotEmpty();
        functions.forEach((id, function) -> {
            Object logging = template.functionProperty(id, "LoggingConfig", Map.of());
            assertThat(mapOf(logging).get("LogFormat")).as("LoggingConfig.LogFormat of %s: AWS_LAMBDA_LOG_FORMAT=JSON", id)
                    .isEqualTo("JSON");
        });
    }

    @Test
    void failedJobsAlarmWatchesTheProcessorsOwnMetric() {
        Map<String, Map<String, Object>> alarms = alarmsOn(PipelineMetrics.NAMESPACE, PipelineMetrics.JOBS_FAILED,
                Map.of("Name", PipelineMetrics.FUNCTION, "Value", ref(PROCESSOR_FUNCTION)));

        assertThat(alarms).as("alarms on %s/%s of %s", PipelineMetrics.NAMESPACE, PipelineMetrics.JOBS_FAILED, PROCESSOR_FUNCTION)
                .hasSize(1)
                .allSatisfy((id, alarm) -> {
                    assertThat(alarm.get("Statistic")).isEqualTo("Sum");
                    assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
                    assertThat(template.intValue(alarm.get("Threshold"))).as("the first failed job alarms").isZero();
                    assertThat(alarm.get("TreatMissingData")).as("no job, no failure").isEqualTo("notBreaching");
                });
    }

    @Test
    void bothMainQueuesAlarmOnTheAgeOfTheirOldestMessage() {
        for (String function : List.of(INGEST_FUNCTION, PROCESSOR_FUNCTION)) {
            String queue = template.queueConsumedBy(function);
            Map<String, Map<String, Object>> alarms = alarmsOn("AWS/SQS", "ApproximateAgeOfOldestMessage",
                    Map.of("Name", "QueueName", "Value", getAtt(queue, "QueueName")));
            assertThat(alarms).as("age alarms of %s", queue).hasSize(1).allSatisfy((id, alarm) -> {
                assertThat(alarm.get("Statistic")).isEqualTo("Maximum");
                assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
                // A parameter, within what the queue keeps.
                Object threshold = alarm.get("Threshold");
                assertThat(threshold).isInstanceOf(Map.class);
                int retention = template.intValue(template.propertiesOf(queue).get("MessageRetentionPeriod"));
                Map<String, Object> parameter = mapOf(template.parameters().get(String.valueOf(mapOf(threshold).get("Ref"))));
                assertThat(template.intValue(parameter.get("MaxValue"))).isLessThanOrEqualTo(retention);
                assertThat(template.intValue(threshold)).as("default threshold of %s", id).isBetween(60, retention);
            });
        }
    }

    @Test
    void ingestErrorsAlarmOnThePipelinesMetricAndOnFunctionErrors() {
        assertThat(alarmsOn(PipelineMetrics.NAMESPACE, PipelineMetrics.INGEST_ERRORS,
                Map.of("Name", PipelineMetrics.FUNCTION, "Value", ref(INGEST_FUNCTION))))
                .as("alarms on messages ingest could not queue").hasSize(1);
        assertThat(alarmsOn("AWS/Lambda", "Errors", Map.of("Name", "FunctionName", "Value", ref(INGEST_FUNCTION))))
                .as("alarms on the ingest function's errors").hasSize(1);
    }

    @Test
    void everyAlarmNotifiesTheGivenTopicAndTheCreatedOne() {
        List<Object> expected = List.of(
                Map.of("Fn::If", List.of("HasAlarmTopicArn", ref("AlarmTopicArn"), ref("AWS::NoValue"))),
                Map.of("Fn::If", List.of("CreateAlarmTopic", ref("AlarmTopic"), ref("AWS::NoValue"))));
        template.resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) ->
                assertThat(listOf(properties(alarm).get("AlarmActions"))).as("AlarmActions of %s", id)
                        .containsExactlyElementsOf(expected));
    }

    @Test
    void dashboardIsOptional() {
        Map<String, Map<String, Object>> dashboards = template.resourcesOfType("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        String condition = String.valueOf(dashboards.values().iterator().next().get("Condition"));

        assertThat(template.condition(condition, Map.of())).as("no dashboard by default").isFalse();
        assertThat(template.condition(condition, Map.of("CreateDashboard", "true"))).isTrue();
    }

    @Test
    void dashboardShowsOnlyMetricsTheCodeWritesUnderTheirDimensions() throws Exception {
        Map<String, Object> dashboard = properties(template.resourcesOfType("AWS::CloudWatch::Dashboard").values().iterator().next());
        List<Object> sub = listOf(mapOf(dashboard.get("DashboardBody")).get("Fn::Sub"));
        String body = String.valueOf(sub.get(0));
        Set<String> variables = mapOf(sub.get(1)).keySet();

        // Every ${...} is a variable of the Sub or a pseudo parameter; with them filled in, the body is JSON.
        Matcher placeholder = Pattern.compile("\\$\\{([^}]+)}").matcher(body);
        while (placeholder.find()) {
            assertThat(placeholder.group(1)).as("placeholder in the dashboard body")
                    .satisfiesAnyOf(name -> assertThat(variables).contains(name), name -> assertThat(name).startsWith("AWS::"));
        }
        JsonNode widgets = Json.MAPPER.readTree(body.replaceAll("\\$\\{[^}]+}", "x")).path("widgets");
        assertThat(widgets.size()).isGreaterThan(3);

        Set<String> written = pipelineMetricNames();
        Set<String> shown = new TreeSet<>();
        for (JsonNode widget : widgets) {
            for (JsonNode metric : widget.at("/properties/metrics")) {
                if (metric.get(0).asText().equals(PipelineMetrics.NAMESPACE)) {
                    shown.add(metric.get(1).asText());
                    assertThat(metric.get(2).asText()).as("first dimension of %s", metric).isEqualTo(PipelineMetrics.FUNCTION);
                }
            }
        }
        assertThat(written).as("metric names in PipelineMetrics").containsAll(shown);
        assertThat(shown).as("pipeline metrics on the dashboard")
                .contains(PipelineMetrics.JOBS_PUBLISHED, PipelineMetrics.JOBS_FAILED, PipelineMetrics.EFS_BYTES_WRITTEN,
                        PipelineMetrics.INGEST_REJECTIONS);
    }

    /** The values of PipelineMetrics' metric-name constants (every String constant but the namespace and dimensions). */
    private static Set<String> pipelineMetricNames() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        Set<String> notMetrics = Set.of(PipelineMetrics.NAMESPACE, PipelineMetrics.FUNCTION, PipelineMetrics.REASON,
                PipelineMetrics.DATASET);
        for (Field field : PipelineMetrics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                String value = (String) field.get(null);
                if (!notMetrics.contains(value)) {
                    names.add(value);
                }
            }
        }
        return names;
    }

    private static Map<String, Map<String, Object>> alarmsOn(String namespace, String metric, Map<String, Object> dimension) {
        Map<String, Map<String, Object>> alarms = new LinkedHashMap<>();
        template.resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
            Map<String, Object> properties = properties(alarm);
            if (namespace.equals(properties.get("Namespace")) && metric.equals(properties.get("MetricName"))
                    && listOf(properties.get("Dimensions")).contains(dimension)) {
                alarms.put(id, properties);
            }
        });
        return alarms;
    }
}
