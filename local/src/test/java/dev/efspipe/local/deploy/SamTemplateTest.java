package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAttResource;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the project's {@code template.yaml} (AWS SAM) without an AWS account, so that a broken
 * template fails the build rather than a deployment.
 *
 * <p>Every {@code AWS::Serverless::*} resource, and the {@code Globals} section, is validated against
 * AWS SAM's published JSON schema ({@code src/test/resources/sam/sam.schema.json}, draft-04, from
 * aws/serverless-application-model). Each resource is checked against the schema definition for its
 * own type rather than against the root schema, whose {@code anyOf} over every resource type buries a
 * misspelt property under a dozen unrelated complaints. The schema knows property names and shapes
 * only; the other tests pin down what it cannot see: that every {@code Ref}, {@code GetAtt},
 * {@code Sub} variable, {@code DependsOn} and condition names something the template defines, and the
 * facts the pipeline relies on: partial batch responses on every SQS event source, visibility
 * timeouts that outlast six consumer timeouts, redrive after five receives, an ingest function
 * without VPC or EFS (SnapStart does not support EFS), and a processor that mounts the EFS access
 * point (uid/gid 1001, mode 750) only once the mount targets exist.
 *
 * <p>The sibling classes cover the rest by concern: {@link TemplateLeastPrivilegeTest} (IAM),
 * {@link TemplateNetworkTest} (VPC, security groups, endpoints, mount targets),
 * {@link TemplateStorageTest} (EFS, bucket, queue policy), {@link TemplateAlarmsAndOutputsTest},
 * {@link TemplateMatchesTheProjectTest} (handlers, artifacts, README configuration table) and
 * {@link CfnLintTest} (the whole template, where cfn-lint is installed).
 */
class SamTemplateTest {

    private static final String INGEST_FUNCTION = "IngestFunction";
    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";
    private static final String SAM_SCHEMA = "sam/sam.schema.json";
    private static final String SERVERLESS_PREFIX = "AWS::Serverless::";
    /** Lambda's advice for SQS event sources: visibility timeout at least six times the function timeout. */
    private static final int VISIBILITY_TIMEOUT_FACTOR = 6;
    /** SAM's and Lambda's default when a function sets no Timeout. */
    private static final int LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
    /** SQS's default when a queue sets no VisibilityTimeout. */
    private static final int SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code ${Name}} or {@code ${Resource.Attribute}} in an Fn::Sub string; {@code ${!Literal}} is not one. */
    private static final Pattern SUB_PLACEHOLDER = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void shortFormIntrinsicsReadAsTheirLongForms() {
        Map<String, Object> read = CloudFormationYaml.read(new StringReader("""
                ref: !Ref UploadBucket
                getAttDotted: !GetAtt IngestQueue.Arn
                getAttNestedAttribute: !GetAtt Cluster.Endpoint.Address
                getAttSequence: [!GetAtt [Cluster, Endpoint.Port]]
                sub: !Sub "${AWS::StackName}-uploads"
                subWithVariables: !Sub ["${Name}-x", {Name: !Ref AWS::StackName}]
                select: !Select [1, !Ref VpcSubnetIds]
                condition: !If [HasTopic, [!Ref Topic], !Ref AWS::NoValue]
                not: !Not [!Equals [!Ref Topic, ""]]
                azs: !GetAZs ""
                named: !Condition IsBursting
                contains: !Contains [!Ref VpcSubnetIds, ""]
                """));

        assertThat(read)
                .containsEntry("ref", Map.of("Ref", "UploadBucket"))
                .containsEntry("getAttDotted", Map.of("Fn::GetAtt", List.of("IngestQueue", "Arn")))
                .containsEntry("getAttNestedAttribute", Map.of("Fn::GetAtt", List.of("Cluster", "Endpoint.Address")))
                .containsEntry("getAttSequence", List.of(Map.of("Fn::GetAtt", List.of("Cluster", "Endpoint.Port"))))
                .containsEntry("sub", Map.of("Fn::Sub", "${AWS::StackName}-uploads"))
                .containsEntry("subWithVariables",
                        Map.of("Fn::Sub", List.of("${Name}-x", Map.of("Name", Map.of("Ref", "AWS::StackName")))))
                .containsEntry("select", Map.of("Fn::Select", List.of(1, Map.of("Ref", "VpcSubnetIds"))))
                .containsEntry("condition", Map.of("Fn::If",
                        List.of("HasTopic", List.of(Map.of("Ref", "Topic")), Map.of("Ref", "AWS::NoValue"))))
                .containsEntry("not", Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "Topic"), "")))))
                .containsEntry("azs", Map.of("Fn::GetAZs", ""))
                .containsEntry("named", Map.of("Condition", "IsBursting"))
                .containsEntry("contains", Map.of("Fn::Contains", List.of(Map.of("Ref", "VpcSubnetIds"), "")));
    }

    @Test
    void declaresTheSamTransform() {
        assertThat(template.root().get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
    }

    @Test
    void everyServerlessResourceMatchesTheSamSchema() throws IOException {
        SamSchema sam = SamSchema.load();
        Map<String, Map<String, Object>> serverless = template.resourcesWhere(type -> type.startsWith(SERVERLESS_PREFIX));
        assertThat(serverless).as("AWS::Serverless resources in template.yaml").isNotEmpty();

        List<String> problems = new ArrayList<>();
        serverless.forEach((logicalId, resource) -> problems.addAll(sam.problemsOf(logicalId, resource)));
        if (template.root().containsKey("Globals")) {
            problems.addAll(sam.problemsOfGlobals(template.root().get("Globals")));
        }

        assertThat(problems).as("template.yaml against the SAM schema (%s)", SAM_SCHEMA).isEmpty();
    }

    @Test
    void everyReferenceNamesAParameterAResourceOrACondition() {
        Set<String> referable = new TreeSet<>();
        referable.addAll(template.parameters().keySet());
        referable.addAll(template.resources().keySet());
        Set<String> conditions = template.conditions().keySet();

        Set<String> resources = template.resources().keySet();
        List<String> problems = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            Object condition = mapOf(resource).get("Condition");
            if (condition != null && !conditions.contains(String.valueOf(condition))) {
                problems.add("Resources/" + id + "/Condition: no condition named " + condition);
            }
            listOf(mapOf(resource).get("DependsOn")).stream()
                    .filter(dependency -> !resources.contains(String.valueOf(dependency)))
                    .forEach(dependency -> problems.add("Resources/" + id + "/DependsOn: no resource named " + dependency));
        });
        for (String section : List.of("Rules", "Conditions", "Resources", "Outputs")) {
            checkReferences(section, template.root().get(section), referable, conditions, problems);
        }

        assertThat(problems).as("references in template.yaml").isEmpty();
    }

    @Test
    void everySqsEventSourceReportsBatchItemFailures() {
        Map<String, Map<String, Object>> sources = template.sqsEventSources();
        assertThat(sources).as("SQS event sources").isNotEmpty();
        sources.forEach((name, properties) -> assertThat(listOf(properties.get("FunctionResponseTypes")))
                .as("FunctionResponseTypes of %s: without it one bad message fails and retries its whole batch", name)
                .contains("ReportBatchItemFailures"));
    }

    @Test
    void everySourceQueueOutlastsSixTimesItsConsumersTimeout() {
                Map<String, Map<String, Object>> sources = template.sqsEventSources();
        assertThat(sources).as("SQS event sources").isNotEmpty();

        sources.forEach((name, properties) -> {
            String functionId = name.substring(0, name.indexOf('/'));
            String queueId = getAttResource(properties.get("Queue"), "Queue of " + name);
            Map<String, Object> queue = template.resource(queueId);
            assertThat(queue.get("Type")).as("type of %s, the queue of %s", queueId, name).isEqualTo("AWS::SQS::Queue");

            int functionTimeout = template.intValue(
                    template.functionProperty(functionId, "Timeout", LAMBDA_DEFAULT_TIMEOUT_SECONDS));
            int visibilityTimeout = template.intValue(
                    properties(queue).getOrDefault("VisibilityTimeout", SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS));
            assertThat(visibilityTimeout)
                    .as("VisibilityTimeout of %s (consumed by %s, Timeout %d s): at least %d x the function timeout",
                            queueId, functionId, functionTimeout, VISIBILITY_TIMEOUT_FACTOR)
                    .isGreaterThanOrEqualTo(VISIBILITY_TIMEOUT_FACTOR * functionTimeout);
        });
    }

    @Test
    void processorIsPolledNoFasterThanItsReservedConcurrencyAllows() {
        // The reservation is optional: check every kind of value the parameter admits.
        for (String reservation : List.of("", "0", "2", "3", "64")) {
            Map<String, Object> parameters = Map.of("ProcessorReservedConcurrency", reservation);
            Object reserved = template.evaluate(
                    template.functionProperty(PROCESSOR_FUNCTION, "ReservedConcurrentExecutions", Template.NO_VALUE), parameters);

            template.sqsEventSources().forEach((name, properties) -> {
                if (!name.startsWith(PROCESSOR_FUNCTION + "/")) {
                    return;
                }
                Map<String, Object> source = mapOf(template.evaluate(properties, parameters));
                Object maximum = mapOf(source.getOrDefault("ScalingConfig", Map.of())).get("MaximumConcurrency");
                assertThat(maximum).as("ScalingConfig.MaximumConcurrency of %s (reservation '%s'): without it the event"
                        + " source invokes past a reservation and throttled receives push healthy jobs to the dead-letter"
                        + " queue", name, reservation).isNotNull();
                assertThat(template.intValue(maximum)).as("MaximumConcurrency of %s: Lambda's range", name).isBetween(2, 1000);
                if (reserved == Template.NO_VALUE) {
                    return;
                }
                int reservedConcurrency = template.intValue(reserved);
                if (reservedConcurrency == 0) {
                    assertThat(source.get("Enabled")).as("Enabled of %s while paused (reserved concurrency 0)", name)
                            .isEqualTo(false);
                } else {
                    assertThat(template.intValue(maximum)).as("MaximumConcurrency of %s with reservation %d", name,
                            reservedConcurrency).isLessThanOrEqualTo(reservedConcurrency);
                }
            });
        }
    }

    @Test
    void everyRedrivePolicyMovesToADeadLetterQueueAfterFiveReceives() {
        Map<String, Map<String, Object>> queues = template.resourcesOfType("AWS::SQS::Queue");
        Map<String, Map<String, Object>> redriven = new LinkedHashMap<>();
        queues.forEach((id, queue) -> {
            Object redrive = properties(queue).get("RedrivePolicy");
            if (redrive != null) {
                redriven.put(id, mapOf(redrive));
            }
        });
        assertThat(redriven.keySet()).as("queues with a RedrivePolicy").contains("IngestQueue", "ProcessQueue");

        redriven.forEach((id, redrive) -> {
            assertThat(redrive.get("maxReceiveCount")).as("maxReceiveCount of %s", id).isEqualTo(5);
            String target = getAttResource(redrive.get("deadLetterTargetArn"), "deadLetterTargetArn of " + id);
            assertThat(queues).as("dead-letter queue %s of %s", target, id).containsKey(target);
            assertThat(properties(queues.get(target))).as("dead-letter queue %s of %s", target, id)
                    .doesNotContainKey("RedrivePolicy");
        });
    }

    @Test
    void ingestFunctionStaysOutOfTheVpcAndOffEfsSoThatSnapStartApplies() {
        Map<String, Object> ingest = template.propertiesOf(INGEST_FUNCTION);
        Map<String, Object> globals = template.globalFunctionProperties();

        assertThat(ingest).as(INGEST_FUNCTION).doesNotContainKeys("VpcConfig", "FileSystemConfigs");
        assertThat(globals).as("Globals.Function, which every function inherits")
                .doesNotContainKeys("VpcConfig", "FileSystemConfigs");
        assertThat(mapOf(ingest.get("SnapStart")).get("ApplyOn")).as("SnapStart of " + INGEST_FUNCTION)
                .isEqualTo("PublishedVersions");
        assertThat(ingest.get("AutoPublishAlias")).as("AutoPublishAlias of %s: SnapStart applies to published versions only",
                INGEST_FUNCTION).isNotNull();
    }

    @Test
    void processorMountsTheAccessPointUnderMntOnlyAfterEveryMountTargetExists() {
        Map<String, Object> processor = template.resource(PROCESSOR_FUNCTION);
        List<Object> fileSystems = listOf(properties(processor).get("FileSystemConfigs"));

        assertThat(fileSystems).as("FileSystemConfigs of " + PROCESSOR_FUNCTION).isNotEmpty();
        for (Object entry : fileSystems) {
            Map<String, Object> fileSystem = mapOf(entry);
            assertThat(String.valueOf(fileSystem.get("LocalMountPath"))).as("LocalMountPath (Lambda allows /mnt/ only)")
                    .startsWith("/mnt/");
            String accessPoint = getAttResource(fileSystem.get("Arn"), "FileSystemConfigs Arn of " + PROCESSOR_FUNCTION);
            assertThat(template.typeOf(accessPoint)).as("type of " + accessPoint).isEqualTo("AWS::EFS::AccessPoint");
        }

        assertThat(template.resourcesOfType("AWS::EFS::MountTarget").keySet())
                .as("mount targets")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(mountTarget -> assertThat(listOf(processor.get("DependsOn")))
                        .as("DependsOn of %s: Lambda cannot create a function whose file system has no mount target yet",
                                PROCESSOR_FUNCTION)
                        .contains(mountTarget));
    }

    @Test
    void accessPointActsAsUid1001AndCreatesItsRootWithMode750() {
        Map<String, Map<String, Object>> accessPoints = template.resourcesOfType("AWS::EFS::AccessPoint");
        assertThat(accessPoints).as("EFS access points").isNotEmpty();

        accessPoints.forEach((id, accessPoint) -> {
            Map<String, Object> properties = properties(accessPoint);
            Map<String, Object> user = mapOf(properties.get("PosixUser"));
            Map<String, Object> creation = mapOf(mapOf(properties.get("RootDirectory")).get("CreationInfo"));

            assertThat(String.valueOf(user.get("Uid"))).as("PosixUser Uid of " + id).isEqualTo("1001");
            assertThat(String.valueOf(user.get("Gid"))).as("PosixUser Gid of " + id).isEqualTo("1001");
            assertThat(String.valueOf(creation.get("OwnerUid"))).as("CreationInfo OwnerUid of " + id).isEqualTo("1001");
            assertThat(String.valueOf(creation.get("OwnerGid"))).as("CreationInfo OwnerGid of " + id).isEqualTo("1001");
            assertThat(String.valueOf(creation.get("Permissions"))).as("CreationInfo Permissions of " + id).isEqualTo("750");
        });
    }

    /**
     * Walks a part of the template and reports each {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}
     * variable and condition name that the template does not define. Pseudo parameters
     * ({@code AWS::...}) always exist; resources that SAM generates (a function's role, its alias)
     * are not known here, so referring to one would need adding to this test.
     */
    private static void checkReferences(
            String where, Object value, Set<String> referable, Set<String> conditions, List<String> problems) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkReferences(where + "/" + i, list.get(i), referable, conditions, problems);
            }
            return;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return;
        }
        if (map.size() == 1) {
            String function = String.valueOf(map.keySet().iterator().next());
            Object argument = map.values().iterator().next();
            switch (function) {
                case "Ref" -> requireName(where, "Ref", String.valueOf(argument), referable, problems);
                case "Fn::GetAtt" -> requireName(where, "GetAtt", String.valueOf(listOf(argument).get(0)), referable, problems);
                case "Condition" -> requireName(where, "Condition", String.valueOf(argument), conditions, problems);
                case "Fn::If" -> requireName(where, "If", String.valueOf(listOf(argument).get(0)), conditions, problems);
                case "Fn::Sub" -> {
                    List<Object> parts = listOf(argument);
                    Set<String> variables = parts.size() > 1 ? mapOf(parts.get(1)).keySet() : Set.of();
                    Matcher placeholder = SUB_PLACEHOLDER.matcher(String.valueOf(parts.get(0)));
                    while (placeholder.find()) {
                        String name = placeholder.group(1).split("\\.", 2)[0];
                        if (!variables.contains(name)) {
                            requireName(where, "Sub", name, referable, problems);
                        }
                    }
                }
                default -> { }
            }
        }
        map.forEach((key, child) ->
                checkReferences(where + "/" + key, child, referable, conditions, problems));
    }

    private static void requireName(String where, String function, String name, Set<String> defined, List<String> problems) {
        if (!name.startsWith("AWS::") && !defined.contains(name)) {
            problems.add(where + ": " + function + " names " + name + ", which the template does not define");
        }
    }

    // ------------------------------------------------------------------ schema access

    /**
     * AWS SAM's schema, applied one resource at a time. A function's events are checked one by one
     * against the definition for their own {@code Type}: checked as part of the function, a typo in
     * an SQS event would be reported once for each of the nineteen event types it fails to be.
     */
    private static final class SamSchema {

        private final JsonNode document;
        private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(VersionFlag.V4);
        private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .locale(Locale.ENGLISH)
                .build();
        /** AWS::Serverless::Function and the rest, each to the name of its definition. */
        private final Map<String, String> definitionByType;

        private SamSchema(JsonNode document) {
            this.document = document;
            this.definitionByType = definitionsByType(
                    document.at("/properties/Resources/additionalProperties/anyOf"), SERVERLESS_PREFIX);
            assertThat(definitionByType).as("AWS::Serverless types in %s", SAM_SCHEMA)
                    .containsKey("AWS::Serverless::Function");
        }

        static SamSchema load() throws IOException {
            try (InputStream in = SamTemplateTest.class.getClassLoader().getResourceAsStream(SAM_SCHEMA)) {
                Objects.requireNonNull(in, () -> SAM_SCHEMA + " is not on the test class path");
                return new SamSchema(JSON.readTree(in));
            }
        }

        List<String> problemsOf(String logicalId, Map<String, Object> resource) {
            String where = "Resources/" + logicalId;
            String type = String.valueOf(resource.get("Type"));
            String definition = definitionByType.get(type);
            if (definition == null) {
                return List.of(where + ": the SAM schema has no definition for type " + type);
            }
            List<String> problems = new ArrayList<>();
            ObjectNode node = JSON.valueToTree(resource);
            Map<String, String> eventDefinitions = eventDefinitionsOf(definition);
            JsonNode events = node.path("Properties") instanceof ObjectNode properties && !eventDefinitions.isEmpty()
                    ? properties.remove("Events")
                    : null;
            problems.addAll(validate(where, "#/definitions/" + definition, node));
            if (events != null) {
                events.fields().forEachRemaining(event -> {
                    String eventWhere = where + "/Properties/Events/" + event.getKey();
                    String eventType = event.getValue().path("Type").asText();
                    String eventDefinition = eventDefinitions.get(eventType);
                    if (eventDefinition == null) {
                        problems.add(eventWhere + "/Type: '" + eventType + "' is not one of "
                                + new TreeSet<>(eventDefinitions.keySet()));
                    } else {
                        problems.addAll(validate(eventWhere, "#/definitions/" + eventDefinition, event.getValue()));
                    }
                });
            }
            return problems;
        }

        List<String> problemsOfGlobals(Object globals) {
            return validate("Globals", "#/properties/Globals", JSON.valueToTree(globals));
        }

        private List<String> validate(String where, String fragment, JsonNode instance) {
            JsonSchema schema = factory.getSchema(SchemaLocation.of("classpath:" + SAM_SCHEMA + fragment), config);
            TreeSet<String> messages = new TreeSet<>();
            for (ValidationMessage message : schema.validate(instance)) {
                messages.add(where + message.getMessage());
            }
            return List.copyOf(messages);
        }

        /** Event Type (SQS, S3, ...) to definition, where the resource's Properties list event alternatives. */
        private Map<String, String> eventDefinitionsOf(String resourceDefinition) {
            JsonNode properties = document.path("definitions").path(resourceDefinition).at("/properties/Properties");
            JsonNode resolved = properties.has("$ref") ? document.at(properties.get("$ref").asText().substring(1)) : properties;
            return definitionsByType(resolved.at("/properties/Events/additionalProperties/anyOf"), "");
        }

        /** Follows each {@code $ref} in a list of alternatives to the {@code Type} enum of its definition. */
        private Map<String, String> definitionsByType(JsonNode alternatives, String typePrefix) {
            Map<String, String> byType = new LinkedHashMap<>();
            for (JsonNode alternative : alternatives) {
                String definition = alternative.path("$ref").asText().replaceFirst("^#/definitions/", "");
                for (JsonNode type : document.path("definitions").path(definition).at("/properties/Type/enum")) {
                    if (type.asText().startsWith(typePrefix)) {
                        byType.put(type.asText(), definition);
                    }
                }
            }
            return byType;
        }
    }
}
