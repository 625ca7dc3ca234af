package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAtt;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.properties;
import static dev.efspipe.local.deploy.Template.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code template.yaml} tells the people who run the stack: alarms on what silently degrades the
 * pipeline (EFS burst credits and I/O limit, messages in a dead-letter queue, processor errors and
 * throttles), and the outputs a client needs (bucket, queues, file system, access point).
 */
class TemplateAlarmsAndOutputsTest {

    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void efsBurstCreditsAndIoLimitHaveAlarms() {
        String fileSystem = template.resourcesOfType("AWS::EFS::FileSystem").keySet().iterator().next();
        Map<String, Object> dimension = Map.of("Name", "FileSystemId", "Value", ref(fileSystem));

        assertThat(alarmsOn("AWS/EFS", "BurstCreditBalance", dimension)).as("BurstCreditBalance alarms")
                .isNotEmpty()
                .allSatisfy((id, alarm) -> assertThat(alarm.get("ComparisonOperator")).as("ComparisonOperator of %s: low", id)
                        .isIn("LessThanThreshold", "LessThanOrEqualToThreshold"));
        assertThat(alarmsOn("AWS/EFS", "PercentIOLimit", dimension)).as("PercentIOLimit alarms")
                .isNotEmpty()
                .allSatisfy((id, alarm) -> assertThat(alarm.get("ComparisonOperator")).as("ComparisonOperator of %s: high", id)
                        .isIn("GreaterThanThreshold", "GreaterThanOrEqualToThreshold"));
    }

    @Test
    void everyDeadLetterQueueAlarmsOnItsFirstMessage() {
        List<String> deadLetterQueues = template.resourcesOfType("AWS::SQS::Queue").entrySet().stream()
                .filter(queue -> properties(queue.getValue()).containsKey("RedrivePolicy"))
                .map(queue -> template.deadLetterQueueOf(queue.getKey()))
                .toList();
        assertThat(deadLetterQueues).as("dead-letter queues").hasSizeGreaterThanOrEqualTo(2);

        for (String queue : deadLetterQueues) {
            Map<String, Object> dimension = Map.of("Name", "QueueName", "Value", getAtt(queue, "QueueName"));
            assertThat(alarmsOn("AWS/SQS", "ApproximateNumberOfMessagesVisible", dimension))
                    .as("depth alarms of dead-letter queue %s", queue)
                    .isNotEmpty()
                    .allSatisfy((id, alarm) -> {
                        assertThat(alarm.get("ComparisonOperator")).as("ComparisonOperator of %s", id).isEqualTo("GreaterThanThreshold");
                        assertThat(template.intValue(alarm.get("Threshold"))).as("Threshold of %s", id).isZero();
                    });
        }
    }

    @Test
    void processorErrorsAndThrottlesHaveAlarms() {
        Map<String, Object> dimension = Map.of("Name", "FunctionName", "Value", ref(PROCESSOR_FUNCTION));

        assertThat(alarmsOn("AWS/Lambda", "Errors", dimension)).as("Errors alarms of %s", PROCESSOR_FUNCTION).isNotEmpty();
        assertThat(alarmsOn("AWS/Lambda", "Throttles", dimension)).as("Throttles alarms of %s", PROCESSOR_FUNCTION).isNotEmpty();
    }

    @Test
    void outputsNameTheBucketTheQueuesTheFileSystemAndTheAccessPoint() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("UploadBucketName", ref(only("AWS::S3::Bucket")));
        String ingestQueue = template.queueConsumedBy("IngestFunction");
        String processQueue = template.queueConsumedBy(PROCESSOR_FUNCTION);
        expected.put("IngestQueueUrl", ref(ingestQueue));
        expected.put("IngestDeadLetterQueueUrl", ref(template.deadLetterQueueOf(ingestQueue)));
        expected.put("ProcessQueueUrl", ref(processQueue));
        expected.put("ProcessDeadLetterQueueUrl", ref(template.deadLetterQueueOf(processQueue)));
        expected.put("FileSystemId", ref(only("AWS::EFS::FileSystem")));
        expected.put("AccessPointId", ref(only("AWS::EFS::AccessPoint")));

        Map<String, Object> values = new LinkedHashMap<>();
        template.outputs().forEach((name, output) -> values.put(name, mapOf(output).get("Value")));
        assertThat(values).as("Outputs (name to Value)").containsAllEntriesOf(expected);
    }

    /** Alarms on one metric with the given dimension, keyed by logical id, with their properties. */
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

    private static String only(String type) {
        Map<String, Map<String, Object>> resources = template.resourcesOfType(type);
        assertThat(resources).as("resources of type %s", type).hasSize(1);
        return resources.keySet().iterator().next();
    }
}
