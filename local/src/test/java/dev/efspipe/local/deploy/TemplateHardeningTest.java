package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAtt;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.properties;
import static dev.efspipe.local.deploy.Template.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The items of the template review (issue 14), one test each: the EFS file system policy, deletion
 * that a failed first deployment can retry, an SQS endpoint that admits the whole VPC, seven days of
 * retention on the main queues, an optional reserved concurrency whose 0 pauses the processor,
 * backups, endpoint policies in a created VPC, the limits AWS enforces as parameter bounds, and a lease
 * shorter than the visibility timeout. Where a value depends on parameters, it is evaluated for each
 * relevant choice ({@link Template#evaluate}).
 */
class TemplateHardeningTest {

    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";
    private static final Map<String, Object> EXISTING_VPC = Map.of(
            "VpcId", "vpc-0abc", "VpcSubnetIds", "subnet-0aaa,subnet-0bbb", "PrivateRouteTableIds", "rtb-0ccc",
            "ExistingVpcCidr", "172.31.0.0/16", "CreateVpcEndpoints", "true");
    private static final Map<String, Object> CREATED_VPC = Map.of();
    private static final int SEVEN_DAYS = 7 * 24 * 3600;
    private static final int FOURTEEN_DAYS = 14 * 24 * 3600;

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    // ------------------------------------------------------------------ EFS file system policy

    @Test
    void fileSystemPolicyDeniesEveryClientThatDoesNotUseTls() {
        assertThat(fileSystemPolicyStatements())
                .as("FileSystemPolicy: a Deny for everyone, every action, when aws:SecureTransport is false")
                .anySatisfy(statement -> {
                    assertThat(statement.get("Effect")).isEqualTo("Deny");
                    assertThat(statement.get("Principal")).isEqualTo(Map.of("AWS", "*"));
                    assertThat(statement.get("Action")).isEqualTo("*");
                    assertThat(statement.get("Condition"))
                            .isEqualTo(Map.of("Bool", Map.of("aws:SecureTransport", "false")));
                });
    }

    @Test
    void fileSystemPolicyDeniesMountsNotMadeThroughAnAccessPoint() {
        assertThat(fileSystemPolicyStatements())
                .as("FileSystemPolicy: a Deny of the client actions when no access point is used")
                .anySatisfy(statement -> {
                    assertThat(statement.get("Effect")).isEqualTo("Deny");
                    assertThat(statement.get("Principal")).isEqualTo(Map.of("AWS", "*"));
                    assertThat(listOf(statement.get("Action"))).containsExactlyInAnyOrder(
                            "elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                            "elasticfilesystem:ClientRootAccess");
                    assertThat(statement.get("Condition"))
                            .isEqualTo(Map.of("Null", Map.of("elasticfilesystem:AccessPointArn", "true")));
                });
    }

    @Test
    void fileSystemPolicyGrantsNothingAndNamesNoResourceSoItCannotFormACycle() {
        List<Map<String, Object>> statements = fileSystemPolicyStatements();

        // No Allow: EFS's default policy (any client that reaches a mount target may do anything) is
        // replaced, and a client needs an IAM identity whose own policy grants it the client actions.
        assertThat(statements).as("Effect of the FileSystemPolicy statements").allSatisfy(statement ->
                assertThat(statement.get("Effect")).isEqualTo("Deny"));
        // The access point and the roles depend on the file system; naming either here would be a cycle.
        Set<String> named = new TreeSet<>();
        collectReferences(mapOf(fileSystemProperties().get("FileSystemPolicy")), named);
        assertThat(named).as("resources and parameters the FileSystemPolicy refers to").isEmpty();
    }

    // ------------------------------------------------------------------ deletion

    @Test
    void retainedStorageIsDeletedOnlyWhenItsOwnCreationRollsBack() {
        Map<String, Map<String, Object>> stateful = template.resourcesWhere(
                type -> type.equals("AWS::S3::Bucket") || type.equals("AWS::EFS::FileSystem"));
        assertThat(stateful).as("the upload bucket and the file system").hasSize(2);

        stateful.forEach((id, resource) -> {
            assertThat(resource.get("DeletionPolicy")).as("DeletionPolicy of %s: RetainExceptOnCreate lets a failed"
                    + " first deployment roll back completely and be retried", id).isEqualTo("RetainExceptOnCreate");
            assertThat(resource.get("UpdateReplacePolicy")).as("UpdateReplacePolicy of %s", id).isEqualTo("Retain");
        });
        template.resources().forEach((id, resource) -> assertThat(mapOf(resource).get("DeletionPolicy"))
                .as("DeletionPolicy of %s", id).isNotEqualTo("Retain"));
    }

    // ------------------------------------------------------------------ network

    @Test
    void sqsEndpointAdmitsHttpsFromTheWholeVpc() {
        Map<String, Object> endpoint = endpointFor("sqs");
        List<Object> groups = listOf(endpoint.get("SecurityGroupIds"));
        assertThat(groups).as("SecurityGroupIds of the SQS endpoint").hasSize(1);
        String group = Template.getAttResource(groups.get(0), "the SQS endpoint's security group");

        Map<Map<String, Object>, Object> expectedSource = Map.of(
                CREATED_VPC, getAtt("Vpc", "CidrBlock"),
                EXISTING_VPC, EXISTING_VPC.get("ExistingVpcCidr"));
        expectedSource.forEach((parameters, cidr) -> {
            List<Object> ingress = listOf(template.evaluate(template.propertiesOf(group).get("SecurityGroupIngress"), parameters));
            assertThat(ingress).as("ingress of %s with parameters %s: HTTPS from the VPC's CIDR", group, parameters)
                    .containsExactly(Map.of("Description", "HTTPS from the VPC", "IpProtocol", "tcp",
                            "FromPort", 443, "ToPort", 443, "CidrIp", cidr));
        });
        // The created VPC's CIDR is the one the subnets are cut from.
        assertThat(template.propertiesOf("Vpc").get("CidrBlock")).isEqualTo(ref("NewVpcCidr"));
    }

    @Test
    void anExistingVpcWithEndpointsMustNameItsCidr() {
        List<Object> assertions = new ArrayList<>();
        mapOf(template.root().get("Rules")).values().forEach(rule -> {
            Map<String, Object> body = mapOf(rule);
            boolean forExistingVpcWithEndpoints = String.valueOf(body.get("RuleCondition")).contains("CreateVpcEndpoints")
                    && String.valueOf(body.get("RuleCondition")).contains("VpcId");
            if (forExistingVpcWithEndpoints) {
                listOf(body.get("Assertions")).forEach(assertion -> assertions.add(mapOf(assertion).get("Assert")));
            }
        });
        assertThat(assertions).as("Rules for an existing VPC with endpoints")
                .contains(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("ExistingVpcCidr"), "")))));
    }

    @Test
    void endpointPoliciesInACreatedVpcReachOnlyTheStacksBucketAndQueues() {
        Map<String, Object> s3 = mapOf(template.evaluate(endpointFor("s3"), CREATED_VPC));
        Map<String, Object> sqs = mapOf(template.evaluate(endpointFor("sqs"), CREATED_VPC));
        String bucket = template.resourcesOfType("AWS::S3::Bucket").keySet().iterator().next();
        List<Object> queues = template.resourcesOfType("AWS::SQS::Queue").keySet().stream()
                .map(queue -> (Object) getAtt(queue, "Arn"))
                .toList();

        assertThat(allowedResources(s3)).as("resources the S3 endpoint admits in a created VPC")
                .containsExactlyInAnyOrder(getAtt(bucket, "Arn"), Map.of("Fn::Sub", "${" + bucket + ".Arn}/*"));
        assertThat(allowedResources(sqs)).as("resources the SQS endpoint admits in a created VPC")
                .containsExactlyInAnyOrderElementsOf(queues);
        for (Map<String, Object> endpoint : List.of(s3, sqs)) {
            listOf(mapOf(endpoint.get("PolicyDocument")).get("Statement")).forEach(statement ->
                    assertThat(listOf(mapOf(statement).get("Action"))).as("actions of an endpoint policy statement")
                            .isNotEmpty()
                            .allSatisfy(action -> assertThat(String.valueOf(action)).doesNotContain("*")));
        }
    }

    @Test
    void endpointsInAnExistingVpcKeepTheirDefaultPolicyForTheVpcsOtherWorkloads() {
        for (String service : List.of("s3", "sqs")) {
            assertThat(mapOf(template.evaluate(endpointFor(service), EXISTING_VPC)))
                    .as("the %s endpoint in an existing VPC", service)
                    .doesNotContainKey("PolicyDocument");
        }
    }

    // ------------------------------------------------------------------ queues

    @Test
    void mainQueuesKeepMessagesSevenDaysAndTheirDeadLetterQueuesFourteen() {
        List<String> mainQueues = List.of(template.queueConsumedBy("IngestFunction"), template.queueConsumedBy(PROCESSOR_FUNCTION));

        for (String queue : mainQueues) {
            String deadLetterQueue = template.deadLetterQueueOf(queue);
            assertThat(template.intValue(template.propertiesOf(queue).get("MessageRetentionPeriod")))
                    .as("MessageRetentionPeriod of %s", queue).isEqualTo(SEVEN_DAYS);
            assertThat(template.intValue(template.propertiesOf(deadLetterQueue).get("MessageRetentionPeriod")))
                    .as("MessageRetentionPeriod of %s, the dead-letter queue of %s", deadLetterQueue, queue)
                    .isEqualTo(FOURTEEN_DAYS);
        }
    }

    // ------------------------------------------------------------------ processor concurrency

    @Test
    void reservedConcurrencyIsOptional() {
        Map<String, Object> parameter = mapOf(template.parameters().get("ProcessorReservedConcurrency"));
        assertThat(parameter.get("Default")).as("Default of ProcessorReservedConcurrency: none reserved").isEqualTo("");

        Map<String, Object> processor = processorUnder(Map.of("ProcessorConcurrency", 7));
        assertThat(processor).as("%s without a reservation", PROCESSOR_FUNCTION).doesNotContainKey("ReservedConcurrentExecutions");
        assertThat(processorEvent(processor).get("Enabled")).as("event source enabled").isEqualTo(true);
        assertThat(mapOf(processorEvent(processor).get("ScalingConfig")).get("MaximumConcurrency"))
                .as("MaximumConcurrency without a reservation: ProcessorConcurrency").isEqualTo(7);

        Map<String, Object> reserved = processorUnder(Map.of("ProcessorReservedConcurrency", "6"));
        assertThat(reserved.get("ReservedConcurrentExecutions")).as("ReservedConcurrentExecutions with 6").isEqualTo("6");
        assertThat(mapOf(processorEvent(reserved).get("ScalingConfig")).get("MaximumConcurrency"))
                .as("MaximumConcurrency with a reservation of 6").isEqualTo("6");
    }

    @Test
    void reservedConcurrencyZeroPausesTheProcessorAndItsEventSource() {
        Map<String, Object> paused = processorUnder(Map.of("ProcessorReservedConcurrency", "0"));

        assertThat(paused.get("ReservedConcurrentExecutions")).as("ReservedConcurrentExecutions while paused").isEqualTo("0");
        // A throttled receive counts towards maxReceiveCount: the event source must stop polling.
        assertThat(processorEvent(paused).get("Enabled")).as("Enabled of the event source while paused").isEqualTo(false);
        // A value the parameter would refuse to reserve: 1 would make MaximumConcurrency 1, below Lambda's 2.
        String pattern = String.valueOf(mapOf(template.parameters().get("ProcessorReservedConcurrency")).get("AllowedPattern"));
        assertThat(List.of("", "0", "2", "9", "10", "9999")).allSatisfy(value -> assertThat(value).matches(pattern));
        assertThat(List.of("1", "-1", "01", "10000", "x")).allSatisfy(value -> assertThat(value).doesNotMatch(pattern));
    }

    // ------------------------------------------------------------------ backups and limits

    @Test
    void fileSystemIsBackedUp() {
        assertThat(fileSystemProperties().get("BackupPolicy")).as("BackupPolicy of the file system")
                .isEqualTo(Map.of("Status", "ENABLED"));
    }

    @Test
    void parametersStopAtTheLimitsAwsEnforces() {
        // What the service refuses above: Lambda timeout and memory, an SQS event source's maximum
        // concurrency, EFS provisioned throughput.
        Map<String, Integer> limits = new LinkedHashMap<>();
        limits.put("ProcessorTimeout", 900);
        limits.put("ProcessorMemory", 10240);
        limits.put("ProcessorConcurrency", 1000);
        limits.put("EfsProvisionedThroughputMibps", 3414);

        limits.forEach((name, limit) -> {
            Map<String, Object> parameter = mapOf(template.parameters().get(name));
            assertThat(parameter.get("MaxValue")).as("MaxValue of %s", name).isNotNull();
            assertThat(template.intValue(parameter.get("MaxValue"))).as("MaxValue of %s", name).isLessThanOrEqualTo(limit);
        });
    }

    @Test
    void leaseStaysBelowTheProcessQueuesVisibilityTimeout() {
        String processQueue = template.queueConsumedBy(PROCESSOR_FUNCTION);
        int visibilityTimeout = template.intValue(template.propertiesOf(processQueue).get("VisibilityTimeout"));
        Object lease = template.environmentOf(PROCESSOR_FUNCTION).get("PIPELINE_LEASE_SECONDS");
        assertThat(lease).as("PIPELINE_LEASE_SECONDS of %s: a parameter", PROCESSOR_FUNCTION).isInstanceOf(Map.class);
        String parameter = String.valueOf(mapOf(lease).get("Ref"));

        // A crashed owner's message comes back after the visibility timeout; the lease must have run
        // out by then, or the next processor sees the job as held and acknowledges it.
        Object maxValue = mapOf(template.parameters().get(parameter)).get("MaxValue");
        assertThat(maxValue).as("MaxValue of %s", parameter).isNotNull();
        assertThat(template.intValue(maxValue)).as("MaxValue of %s against VisibilityTimeout %d of %s", parameter,
                visibilityTimeout, processQueue).isLessThan(visibilityTimeout);
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> fileSystemProperties() {
        Map<String, Map<String, Object>> fileSystems = template.resourcesOfType("AWS::EFS::FileSystem");
        assertThat(fileSystems).hasSize(1);
        return properties(fileSystems.values().iterator().next());
    }

    private static List<Map<String, Object>> fileSystemPolicyStatements() {
        Object policy = fileSystemProperties().get("FileSystemPolicy");
        assertThat(policy).as("FileSystemPolicy of the file system").isNotNull();
        List<Object> statements = listOf(mapOf(policy).get("Statement"));
        assertThat(statements).as("FileSystemPolicy statements").isNotEmpty();
        return statements.stream().map(Template::mapOf).toList();
    }

    private static Map<String, Object> endpointFor(String service) {
        List<Map<String, Object>> endpoints = template.resourcesOfType("AWS::EC2::VPCEndpoint").values().stream()
                .map(Template::properties)
                .filter(endpoint -> String.valueOf(endpoint.get("ServiceName")).endsWith("." + service + "}")
                        || String.valueOf(endpoint.get("ServiceName")).endsWith("." + service))
                .toList();
        assertThat(endpoints).as("VPC endpoints for %s", service).hasSize(1);
        return endpoints.get(0);
    }

    private static List<Object> allowedResources(Map<String, Object> endpoint) {
        Object document = endpoint.get("PolicyDocument");
        assertThat(document).as("PolicyDocument of an endpoint in a created VPC").isNotNull();
        List<Object> resources = new ArrayList<>();
        listOf(mapOf(document).get("Statement")).forEach(statement -> {
            Map<String, Object> body = mapOf(statement);
            assertThat(body.get("Effect")).isEqualTo("Allow");
            resources.addAll(listOf(body.get("Resource")));
        });
        return resources;
    }

    private static Map<String, Object> processorUnder(Map<String, Object> parameters) {
        return mapOf(template.evaluate(template.propertiesOf(PROCESSOR_FUNCTION), parameters));
    }

    private static Map<String, Object> processorEvent(Map<String, Object> processor) {
        Map<String, Object> events = mapOf(processor.get("Events"));
        assertThat(events).as("events of %s", PROCESSOR_FUNCTION).hasSize(1);
        return mapOf(mapOf(events.values().iterator().next()).get("Properties"));
    }

    /** Names of parameters and resources referred to by Ref, GetAtt or Sub anywhere inside a value. */
    private static void collectReferences(Object value, Set<String> named) {
        if (value instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, named));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> {
                switch (String.valueOf(key)) {
                    case "Ref" -> named.add(String.valueOf(child));
                    case "Fn::GetAtt" -> named.add(String.valueOf(listOf(child).get(0)));
                    case "Fn::Sub" -> named.add("Fn::Sub " + child);
                    default -> collectReferences(child, named);
                }
            });
        }
    }
}
