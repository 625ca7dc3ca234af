package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAtt;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.properties;
import static dev.efspipe.local.deploy.Template.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the data lives in {@code template.yaml}: the EFS file system (encrypted, throughput mode
 * chosen by a parameter) and the upload bucket, which announces every new object to the ingest queue,
 * and only that bucket may.
 */
class TemplateStorageTest {

    private static final String THROUGHPUT_MODE_PARAMETER = "EfsThroughputMode";

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void fileSystemIsEncryptedAndHasAThroughputModeParameter() {
        Map<String, Object> fileSystem = onlyPropertiesOf("AWS::EFS::FileSystem");

        assertThat(fileSystem.get("Encrypted")).as("Encrypted").isEqualTo(true);
        assertThat(fileSystem.get("ThroughputMode")).as("ThroughputMode").isEqualTo(ref(THROUGHPUT_MODE_PARAMETER));
        assertThat(listOf(mapOf(template.parameters().get(THROUGHPUT_MODE_PARAMETER)).get("AllowedValues")))
                .as("AllowedValues of %s", THROUGHPUT_MODE_PARAMETER)
                .containsExactlyInAnyOrder("bursting", "elastic", "provisioned");
    }

    @Test
    void provisionedThroughputIsSetInProvisionedModeOnly() {
        Map<String, Object> fileSystem = onlyPropertiesOf("AWS::EFS::FileSystem");

        // CloudFormation refuses ProvisionedThroughputInMibps in any other mode.
        List<Object> choice = listOf(mapOf(fileSystem.get("ProvisionedThroughputInMibps")).get("Fn::If"));
        assertThat(choice).as("ProvisionedThroughputInMibps: !If [condition, !Ref parameter, !Ref AWS::NoValue]").hasSize(3);
        assertThat(template.conditions().get(String.valueOf(choice.get(0))))
                .as("condition %s", choice.get(0))
                .isEqualTo(Map.of("Fn::Equals", List.of(ref(THROUGHPUT_MODE_PARAMETER), "provisioned")));
        assertThat(template.parameters()).as("parameters")
                .containsKey(String.valueOf(mapOf(choice.get(1)).get("Ref")));
        assertThat(choice.get(2)).isEqualTo(ref("AWS::NoValue"));
    }

    @Test
    void uploadBucketBlocksPublicAccessAndEncrypts() {
        Map<String, Object> bucket = onlyPropertiesOf("AWS::S3::Bucket");

        assertThat(mapOf(bucket.get("PublicAccessBlockConfiguration")))
                .containsEntry("BlockPublicAcls", true)
                .containsEntry("BlockPublicPolicy", true)
                .containsEntry("IgnorePublicAcls", true)
                .containsEntry("RestrictPublicBuckets", true);
        List<Object> encryption = listOf(mapOf(bucket.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"));
        assertThat(encryption).as("ServerSideEncryptionConfiguration").isNotEmpty();
        // Versioning is optional: a parameter chooses it.
        assertThat(mapOf(bucket.get("VersioningConfiguration"))).as("VersioningConfiguration").containsKey("Fn::If");
    }

    @Test
    void uploadBucketAnnouncesEveryNewObjectToTheIngestQueue() {
        Map<String, Object> bucket = onlyPropertiesOf("AWS::S3::Bucket");
        String ingestQueue = template.queueConsumedBy("IngestFunction");

        List<Object> queues = listOf(mapOf(bucket.get("NotificationConfiguration")).get("QueueConfigurations"));
        assertThat(queues).as("QueueConfigurations")
                .contains(Map.of("Event", "s3:ObjectCreated:*", "Queue", getAtt(ingestQueue, "Arn")));
    }

    @Test
    void onlyTheUploadBucketMaySendToTheIngestQueue() {
        String ingestQueue = template.queueConsumedBy("IngestFunction");
        String bucketName = String.valueOf(mapOf(onlyPropertiesOf("AWS::S3::Bucket").get("BucketName")).get("Fn::Sub"));

        List<Map<String, Object>> statements = template.resourcesOfType("AWS::SQS::QueuePolicy").values().stream()
                .map(Template::properties)
                .filter(policy -> listOf(policy.get("Queues")).contains(ref(ingestQueue)))
                .flatMap(policy -> listOf(mapOf(policy.get("PolicyDocument")).get("Statement")).stream())
                .map(Template::mapOf)
                .filter(statement -> "Allow".equals(statement.get("Effect")))
                .toList();
        assertThat(statements).as("Allow statements of %s's queue policy", ingestQueue).isNotEmpty();

        for (Map<String, Object> statement : statements) {
            assertThat(statement.get("Principal")).isEqualTo(Map.of("Service", "s3.amazonaws.com"));
            assertThat(listOf(statement.get("Action"))).containsExactly("sqs:SendMessage");
            Map<String, Object> arnEquals = mapOf(mapOf(statement.get("Condition")).get("ArnEquals"));
            String sourceArn = String.valueOf(mapOf(arnEquals.get("aws:SourceArn")).get("Fn::Sub"));
            assertThat(sourceArn).as("aws:SourceArn: the upload bucket's ARN, %s", bucketName)
                    .isEqualTo("arn:${AWS::Partition}:s3:::" + bucketName);
        }
    }

    private static Map<String, Object> onlyPropertiesOf(String type) {
        Map<String, Map<String, Object>> resources = template.resourcesOfType(type);
        assertThat(resources).as("resources of type %s", type).hasSize(1);
        return properties(resources.values().iterator().next());
    }
}
