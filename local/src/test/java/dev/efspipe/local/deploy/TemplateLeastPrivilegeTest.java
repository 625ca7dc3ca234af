package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAtt;
import static dev.efspipe.local.deploy.Template.getAttResource;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege in {@code template.yaml}: every right names the resource it is for, and each
 * function holds only the rights its code uses.
 *
 * <p>This can only be checked if every policy is in the file. SAM generates a role for a function
 * that has none, and attaches AWS managed policies to it that the template never shows (for an SQS
 * event source, {@code AWSLambdaSQSQueueExecutionRole}, whose receive and delete rights cover every
 * queue in the account). So the functions must run as roles the template defines, and those roles
 * must carry no managed policies.
 */
class TemplateLeastPrivilegeTest {

    private static final String INGEST_FUNCTION = "IngestFunction";
    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";
    private static final String API_FUNCTION = "ApiFunction";

    /**
     * What Lambda needs to attach a function to a VPC: the EC2 part of the AWS managed policy
     * {@code AWSLambdaVPCAccessExecutionRole}. The one documented exception to "no {@code *} resource":
     * {@code ec2:DescribeNetworkInterfaces} works only on {@code *}, and the interfaces do not exist
     * before Lambda creates them.
     */
    private static final Set<String> VPC_NETWORK_INTERFACE_ACTIONS = Set.of(
            "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses");

    /** Resource types whose policy documents grant rights, and where in their properties the documents sit. */
    private static final Map<String, List<String>> POLICY_DOCUMENTS = Map.of(
            "AWS::IAM::Role", List.of("Policies/*/PolicyDocument"),
            "AWS::IAM::Policy", List.of("PolicyDocument"),
            "AWS::IAM::ManagedPolicy", List.of("PolicyDocument"),
            "AWS::SQS::QueuePolicy", List.of("PolicyDocument"),
            "AWS::S3::BucketPolicy", List.of("PolicyDocument"),
            "AWS::SNS::TopicPolicy", List.of("PolicyDocument"));

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void everyFunctionRunsAsARoleWhosePoliciesAreAllInTheTemplate() {
        Map<String, Map<String, Object>> functions = template.resourcesWhere(
                type -> type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function"));
        assertThat(functions).as("functions").isNotEmpty();

        functions.forEach((id, function) -> {
            Map<String, Object> properties = properties(function);
            assertThat(properties).as("%s: SAM would generate a role and attach policies the template does not show", id)
                    .containsKey("Role")
                    .doesNotContainKey("Policies");
            String role = getAttResource(properties.get("Role"), "Role of " + id);
            assertThat(template.typeOf(role)).as("type of %s, the role of %s", role, id).isEqualTo("AWS::IAM::Role");
        });
        template.resourcesOfType("AWS::IAM::Role").forEach((id, role) ->
                assertThat(properties(role)).as("%s: a managed policy's statements are not in the template", id)
                        .doesNotContainKeys("ManagedPolicyArns", "PermissionsBoundary"));
    }

    @Test
    void noAllowStatementHasAWildcardActionOrAStarResource() {
        List<Statement> allows = allStatements().stream().filter(Statement::allows).toList();
        assertThat(allows).as("Allow statements in policy documents").isNotEmpty();

        List<String> problems = new ArrayList<>();
        for (Statement statement : allows) {
            if (statement.body().containsKey("NotAction") || statement.body().containsKey("NotResource")) {
                problems.add(statement.where() + ": NotAction/NotResource in an Allow grants everything else");
            }
            statement.actions().stream().filter(action -> action.contains("*"))
                    .forEach(action -> problems.add(statement.where() + ": wildcard action " + action));
            boolean starResource = statement.resources().stream().anyMatch("*"::equals);
            if (starResource && !VPC_NETWORK_INTERFACE_ACTIONS.containsAll(statement.actions())) {
                problems.add(statement.where() + ": Resource \"*\" for " + statement.actions()
                        + " (only the VPC network interface actions may have it: " + new TreeSet<>(VPC_NETWORK_INTERFACE_ACTIONS) + ")");
            }
        }

        assertThat(problems).as("Allow statements in %s", Template.FILE).isEmpty();
    }

    @Test
    void efsMountAndWriteAreGrantedThroughTheProcessorsAccessPointOnly() {
        String accessPoint = getAttResource(
                mapOf(listOf(template.propertiesOf(PROCESSOR_FUNCTION).get("FileSystemConfigs")).get(0)).get("Arn"),
                "FileSystemConfigs Arn of " + PROCESSOR_FUNCTION);
        String fileSystem = String.valueOf(mapOf(template.propertiesOf(accessPoint).get("FileSystemId")).get("Ref"));

        List<Statement> efsClient = allStatements().stream()
                .filter(Statement::allows)
                .filter(statement -> statement.actions().stream().anyMatch(action -> action.startsWith("elasticfilesystem:Client")))
                .toList();
        assertThat(efsClient).as("statements granting elasticfilesystem:Client* actions").isNotEmpty();

        for (Statement statement : efsClient) {
            assertThat(statement.actions()).as("%s: actions (no ClientRootAccess: the access point's user is not root)",
                    statement.where()).doesNotContain("elasticfilesystem:ClientRootAccess");
            assertThat(statement.body().get("Resource")).as("%s: Resource", statement.where())
                    .isEqualTo(getAtt(fileSystem, "Arn"));
            Map<String, Object> condition = mapOf(statement.body().getOrDefault("Condition", Map.of()));
            Map<String, Object> stringEquals = mapOf(condition.getOrDefault("StringEquals", Map.of()));
            assertThat(stringEquals.get("elasticfilesystem:AccessPointArn"))
                    .as("%s: Condition StringEquals elasticfilesystem:AccessPointArn (else the grant covers the whole file system)",
                            statement.where())
                    .isEqualTo(getAtt(accessPoint, "Arn"));
        }
        assertThat(statementsOfFunction(PROCESSOR_FUNCTION).stream()
                .filter(efsClient::contains)
                .flatMap(statement -> statement.actions().stream()))
                .as("EFS client actions of %s's role", PROCESSOR_FUNCTION)
                .contains("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite");
    }

    @Test
    void processorReadsTheUploadsUnderTheAcceptedKeyPrefixOnly() {
        List<Statement> s3 = statementsOfFunction(PROCESSOR_FUNCTION).stream()
                .filter(statement -> statement.actions().stream().anyMatch(action -> action.startsWith("s3:")))
                .toList();
        assertThat(s3).as("S3 statements of %s's role", PROCESSOR_FUNCTION).isNotEmpty();

        String bucket = template.resourcesOfType("AWS::S3::Bucket").keySet().iterator().next();
        List<Statement> objectStatements = s3.stream().filter(statement -> !statement.actions().contains("s3:ListBucket")).toList();
        assertThat(objectStatements).as("object statements").isNotEmpty();
        for (Statement statement : objectStatements) {
            assertThat(statement.actions()).as("%s: actions", statement.where())
                    .isSubsetOf("s3:GetObject", "s3:GetObjectVersion");
            assertThat(statement.resources()).as("%s: resources (the bucket's objects under the accepted key prefix)", statement.where())
                    .containsExactly(Map.of("Fn::Sub", "${" + bucket + ".Arn}/${AcceptedKeyPrefix}*"));
        }
        assertThat(statementsOfFunction(INGEST_FUNCTION).stream().flatMap(statement -> statement.actions().stream()))
                .as("actions of %s's role: ingest never reads an upload", INGEST_FUNCTION)
                .noneMatch(action -> action.startsWith("s3:"));
    }

    /**
     * S3 answers a GET of a missing key with 404 only to a caller that may list the bucket, else with 403; the
     * processor treats 404 as permanent (the upload was deleted: {@code failed/}) and 403 as transient (retried
     * into the dead-letter queue). So its role may list the bucket, only under the accepted key prefix, and nothing more.
     */
    @Test
    void processorMayListTheBucketUnderTheAcceptedKeyPrefix_soThatAMissingUploadIsA404() {
        String bucket = template.resourcesOfType("AWS::S3::Bucket").keySet().iterator().next();
        List<Statement> list = statementsOfFunction(PROCESSOR_FUNCTION).stream()
                .filter(statement -> statement.actions().contains("s3:ListBucket"))
                .toList();

        assertThat(list).as("s3:ListBucket statements of %s's role", PROCESSOR_FUNCTION).singleElement().satisfies(statement -> {
            assertThat(statement.allows()).isTrue();
            assertThat(statement.actions()).as("%s: actions", statement.where()).containsExactly("s3:ListBucket");
            assertThat(statement.resources()).as("%s: the bucket itself", statement.where()).containsExactly(getAtt(bucket, "Arn"));
            assertThat(statement.body().get("Condition")).as("%s: Condition, the upload prefix when there is one", statement.where())
                    .isEqualTo(Map.of("Fn::If", List.of("HasAcceptedKeyPrefix",
                            Map.of("StringLike", Map.of("s3:prefix", Map.of("Fn::Sub", "${AcceptedKeyPrefix}*"))),
                            Map.of("Ref", "AWS::NoValue"))));
        });
        assertThat(mapOf(template.conditions().get("HasAcceptedKeyPrefix")))
                .isEqualTo(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "AcceptedKeyPrefix"), "")))));
        assertThat(template.environmentOf(INGEST_FUNCTION).get("PIPELINE_ACCEPT_PREFIXES"))
                .as("ingest accepts the keys under the same prefix").isEqualTo(Template.ref("AcceptedKeyPrefix"));
    }

    @Test
    void apiWritesAndHeadsUploadsUnderTheUploadPrefixOnlyAndUsesNoQueue() {
        List<Statement> s3 = statementsOfFunction(API_FUNCTION).stream()
                .filter(statement -> statement.actions().stream().anyMatch(action -> action.startsWith("s3:")))
                .toList();
        assertThat(s3.stream().flatMap(statement -> statement.actions().stream()))
                .as("S3 actions of %s's role: presigned PUTs and multipart uploads are signed with its credentials, so they"
                        + " may do exactly what it may", API_FUNCTION)
                .containsExactlyInAnyOrder("s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                        "s3:GetObject");
        String bucket = template.resourcesOfType("AWS::S3::Bucket").keySet().iterator().next();
        for (Statement statement : s3) {
            assertThat(statement.resources()).as("%s: resources (objects under the upload prefix only)", statement.where())
                    .containsExactly(Map.of("Fn::Sub", "${" + bucket + ".Arn}/${UploadPrefix}*"));
        }
        assertThat(statementsOfFunction(API_FUNCTION).stream().flatMap(statement -> statement.actions().stream()))
                .as("actions of %s's role", API_FUNCTION)
                .noneMatch(action -> action.startsWith("sqs:"))
                .contains("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite");
    }

    @Test
    void eachFunctionReceivesFromItsOwnQueueAndSendsOnlyWhereItsCodeSends() {
        String ingestQueue = template.queueConsumedBy(INGEST_FUNCTION);
        String processQueue = template.queueConsumedBy(PROCESSOR_FUNCTION);
        String ingestDeadLetterQueue = template.deadLetterQueueOf(ingestQueue);

        // Ingest sends jobs to the process queue and rejected announcements to its dead-letter queue;
        // the processor sends its continuations to its own queue.
        assertThat(queuesFor(INGEST_FUNCTION, "sqs:SendMessage")).containsExactlyInAnyOrder(processQueue, ingestDeadLetterQueue);
        assertThat(queuesFor(PROCESSOR_FUNCTION, "sqs:SendMessage")).containsExactly(processQueue);
        for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")) {
            assertThat(queuesFor(INGEST_FUNCTION, action)).as(action).containsExactly(ingestQueue);
            assertThat(queuesFor(PROCESSOR_FUNCTION, action)).as(action).containsExactly(processQueue);
        }
        // A job that is not done is reported as a batch item failure; nothing changes a message's visibility.
        assertThat(queuesFor(INGEST_FUNCTION, "sqs:ChangeMessageVisibility")).isEmpty();
        assertThat(queuesFor(PROCESSOR_FUNCTION, "sqs:ChangeMessageVisibility")).isEmpty();
    }

    // ------------------------------------------------------------------ policy statements

    /** One statement of a policy document, with where it sits in the template. */
    private record Statement(String where, Map<String, Object> body) {

        boolean allows() {
            return "Allow".equals(body.get("Effect"));
        }

        List<String> actions() {
            return listOf(body.get("Action")).stream().map(String::valueOf).toList();
        }

        List<Object> resources() {
            return listOf(body.get("Resource"));
        }
    }

    private static List<Statement> allStatements() {
        List<Statement> statements = new ArrayList<>();
        POLICY_DOCUMENTS.forEach((type, paths) -> template.resourcesOfType(type).forEach((id, resource) -> {
            for (String path : paths) {
                statements.addAll(statementsAt("Resources/" + id + "/Properties", properties(resource), path));
            }
        }));
        return statements;
    }

    private static List<Statement> statementsOfFunction(String functionId) {
        String role = getAttResource(template.propertiesOf(functionId).get("Role"), "Role of " + functionId);
        return statementsAt("Resources/" + role + "/Properties", template.propertiesOf(role), "Policies/*/PolicyDocument");
    }

    /** The statements of the policy documents at a path such as {@code Policies/}{@code *}{@code /PolicyDocument}. */
    private static List<Statement> statementsAt(String where, Object node, String path) {
        if (path.isEmpty()) {
            List<Statement> statements = new ArrayList<>();
            List<Object> list = listOf(mapOf(node).get("Statement"));
            for (int i = 0; i < list.size(); i++) {
                statements.add(new Statement(where + "/Statement/" + i, mapOf(list.get(i))));
            }
            return statements;
        }
        String[] step = path.split("/", 2);
        String rest = step.length > 1 ? step[1] : "";
        List<Statement> statements = new ArrayList<>();
        if (step[0].equals("*")) {
            List<Object> list = listOf(node);
            for (int i = 0; i < list.size(); i++) {
                statements.addAll(statementsAt(where + "/" + i, list.get(i), rest));
            }
        } else {
            Object child = mapOf(node).get(step[0]);
            if (child != null) {
                statements.addAll(statementsAt(where + "/" + step[0], child, rest));
            }
        }
        return statements;
    }

    /** The queues (logical ids, from {@code !GetAtt Queue.Arn}) on which a function's role allows an action. */
    private static List<String> queuesFor(String functionId, String action) {
        return statementsOfFunction(functionId).stream()
                .filter(Statement::allows)
                .filter(statement -> statement.actions().contains(action))
                .flatMap(statement -> statement.resources().stream())
                .map(resource -> getAttResource(resource, action + " resource of " + functionId))
                .toList();
    }
}
