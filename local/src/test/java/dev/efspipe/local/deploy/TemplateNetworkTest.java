package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.getAttResource;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network in {@code template.yaml}: an existing VPC given as parameters or a minimal one the stack
 * creates, security groups that admit NFS to the mount targets from the functions only, a mount target
 * in every subnet the processor runs in, and the endpoints through which functions without an internet
 * path reach S3 and SQS.
 */
class TemplateNetworkTest {

    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";
    private static final String API_FUNCTION = "ApiFunction";
    /** The condition under which the stack creates its own VPC. */
    private static final String CREATE_VPC = "CreateVpc";
    /** The parameter that names the VPC; empty means "create one". */
    private static final String VPC_PARAMETER = "VpcId";
    /** Parameters that describe an existing VPC's network. */
    private static final Set<String> EXISTING_NETWORK_PARAMETERS = Set.of(VPC_PARAMETER, "VpcSubnetIds", "PrivateRouteTableIds", "ExistingVpcCidr");
    /** The optional parameters naming the security groups of readers and of a writing web app (EC2, ECS) that may also mount. */
    private static final Set<String> CLIENT_SECURITY_GROUP_PARAMETERS = Set.of("ReaderSecurityGroupId", "WriterSecurityGroupId");
    private static final int NFS_PORT = 2049;

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void minimalVpcIsCreatedExactlyWhenNoVpcIsGiven() {
        assertThat(template.conditions().get(CREATE_VPC)).as("condition %s", CREATE_VPC)
                .isEqualTo(Map.of("Fn::Equals", List.of(ref(VPC_PARAMETER), "")));
        assertThat(mapOf(template.parameters().get(VPC_PARAMETER)).get("Default")).as("Default of %s", VPC_PARAMETER)
                .isEqualTo("");

        Map<String, Map<String, Object>> vpcs = template.resourcesOfType("AWS::EC2::VPC");
        assertThat(vpcs).as("VPCs the template creates").hasSize(1);
        vpcs.forEach((id, vpc) -> assertThat(vpc.get("Condition")).as("Condition of %s", id).isEqualTo(CREATE_VPC));
    }

    @Test
    void minimalVpcHasPrivateSubnetsInTwoAvailabilityZones() {
        String vpc = template.resourcesOfType("AWS::EC2::VPC").keySet().iterator().next();
        Map<String, Map<String, Object>> subnets = template.resourcesOfType("AWS::EC2::Subnet");
        assertThat(subnets).as("subnets of the minimal VPC").hasSizeGreaterThanOrEqualTo(2);

        Set<Object> zoneIndexes = new TreeSet<>();
        subnets.forEach((id, subnet) -> {
            Map<String, Object> properties = properties(subnet);
            assertThat(subnet.get("Condition")).as("Condition of %s", id).isEqualTo(CREATE_VPC);
            assertThat(properties.get("VpcId")).as("VpcId of %s", id).isEqualTo(ref(vpc));
            assertThat(properties.get("MapPublicIpOnLaunch")).as("MapPublicIpOnLaunch of %s", id).isIn(false, null);

            Object zone = properties.get("AvailabilityZone");
            List<Object> select = listOf(mapOf(zone).get("Fn::Select"));
            assertThat(select).as("AvailabilityZone of %s: !Select [i, !GetAZs \"\"], got %s", id, zone).hasSize(2);
            assertThat(mapOf(select.get(1))).as("AvailabilityZone of %s", id).containsKey("Fn::GetAZs");
            assertThat(zoneIndexes.add(select.get(0))).as("%s: Availability Zone index %s is already taken", id, select.get(0))
                    .isTrue();
        });
        assertThat(zoneIndexes).as("Availability Zone indexes of the subnets").contains(0, 1);

        Set<Object> associated = new TreeSet<>();
        template.resourcesOfType("AWS::EC2::SubnetRouteTableAssociation").values()
                .forEach(association -> associated.add(String.valueOf(mapOf(properties(association).get("SubnetId")).get("Ref"))));
        assertThat(associated).as("subnets with a route table (the S3 gateway endpoint's routes go there)")
                .containsAll(subnets.keySet());
        assertThat(template.resourcesWhere(type -> type.equals("AWS::EC2::InternetGateway") || type.equals("AWS::EC2::NatGateway")))
                .as("internet and NAT gateways: the subnets are private").isEmpty();
    }

    @Test
    void networkIsNamedOnlyThroughTheCreateVpcCondition() {
        Set<String> created = template.resources().entrySet().stream()
                .filter(resource -> CREATE_VPC.equals(mapOf(resource.getValue()).get("Condition")))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(created).as("resources with Condition %s", CREATE_VPC).isNotEmpty();

        List<String> problems = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            Branch start = created.contains(id) ? Branch.CREATED : Branch.EITHER;
            checkBranches("Resources/" + id, resource, start, created, problems);
        });
        checkBranches("Outputs", template.outputs(), Branch.EITHER, created, problems);

        assertThat(problems).as("references to the network outside !If [%s, created, given]", CREATE_VPC).isEmpty();
    }

    @Test
    void apiFunctionRunsInTheSubnetsThatHaveTheMountTargets() {
        assertThat(mapOf(template.propertiesOf(API_FUNCTION).get("VpcConfig")).get("SubnetIds"))
                .isEqualTo(mapOf(template.propertiesOf(PROCESSOR_FUNCTION).get("VpcConfig")).get("SubnetIds"));
    }

    @Test
    void everySubnetOfTheProcessorHasAMountTarget() {
        Map<String, Object> vpcConfig = mapOf(template.propertiesOf(PROCESSOR_FUNCTION).get("VpcConfig"));
        List<Object> functionSubnets = listOf(vpcConfig.get("SubnetIds"));
        assertThat(functionSubnets).as("SubnetIds of %s: two Availability Zones", PROCESSOR_FUNCTION).hasSizeGreaterThanOrEqualTo(2);

        List<Object> mountTargetSubnets = template.resourcesOfType("AWS::EFS::MountTarget").values().stream()
                .map(mountTarget -> properties(mountTarget).get("SubnetId"))
                .toList();
        assertThat(mountTargetSubnets).as("SubnetId of the mount targets, one per subnet of %s", PROCESSOR_FUNCTION)
                .containsExactlyInAnyOrderElementsOf(functionSubnets);
    }

    @Test
    void mountTargetsAdmitNfsFromTheFunctionsOnly() {
        Set<String> functionGroups = new TreeSet<>();
        for (String function : List.of(PROCESSOR_FUNCTION, API_FUNCTION)) {
            listOf(mapOf(template.propertiesOf(function).get("VpcConfig")).get("SecurityGroupIds"))
                    .forEach(group -> functionGroups.add(getAttResource(group, "SecurityGroupIds of " + function)));
        }

        Set<String> mountTargetGroups = new TreeSet<>();
        template.resourcesOfType("AWS::EFS::MountTarget").forEach((id, mountTarget) ->
                listOf(properties(mountTarget).get("SecurityGroups"))
                        .forEach(group -> mountTargetGroups.add(getAttResource(group, "SecurityGroups of " + id))));
        assertThat(mountTargetGroups).as("security groups of the mount targets").isNotEmpty();
        assertThat(mountTargetGroups).as("the mount targets' groups must not be the functions' own")
                .doesNotContainAnyElementsOf(functionGroups);

        List<String> problems = new ArrayList<>();
        for (String group : mountTargetGroups) {
            Map<String, Map<String, Object>> rules = ingressRules(group);
            for (String functionGroup : functionGroups) {
                assertThat(rules.values()).as("ingress rules of %s from %s", group, functionGroup)
                        .anyMatch(rule -> functionGroup.equals(sourceGroup(rule)));
            }
            rules.forEach((where, rule) -> {
                boolean nfs = List.of("tcp", "6").contains(String.valueOf(rule.get("IpProtocol")))
                        && template.intValue(rule.get("FromPort")) == NFS_PORT
                        && template.intValue(rule.get("ToPort")) == NFS_PORT;
                boolean fromAllowedGroup = functionGroups.contains(sourceGroup(rule))
                        || CLIENT_SECURITY_GROUP_PARAMETERS.stream().map(Template::ref).anyMatch(parameter -> parameter.equals(rule.get("SourceSecurityGroupId")));
                boolean byAddress = rule.keySet().stream().anyMatch(key -> key.startsWith("Cidr") || key.startsWith("SourcePrefixList"));
                if (!nfs || !fromAllowedGroup || byAddress) {
                    problems.add(where + ": " + rule + " (allowed: TCP " + NFS_PORT + " from " + functionGroups
                            + " or from the parameters " + CLIENT_SECURITY_GROUP_PARAMETERS + ")");
                }
            });
        }
        assertThat(problems).as("ingress to the mount targets").isEmpty();
    }

    @Test
    void functionsInTheVpcReachS3AndSqsThroughEndpoints() {
        Map<String, String> typeByService = new LinkedHashMap<>();
        template.resourcesOfType("AWS::EC2::VPCEndpoint").forEach((id, endpoint) -> {
            Map<String, Object> properties = properties(endpoint);
            String service = String.valueOf(mapOf(properties.get("ServiceName")).get("Fn::Sub"));
            typeByService.put(service, String.valueOf(properties.get("VpcEndpointType")));
            if ("Interface".equals(properties.get("VpcEndpointType"))) {
                assertThat(properties.get("PrivateDnsEnabled")).as("PrivateDnsEnabled of %s: the SDK's default endpoint"
                        + " must resolve to it", id).isEqualTo(true);
            }
        });
        assertThat(typeByService)
                .containsEntry("com.amazonaws.${AWS::Region}.s3", "Gateway")
                .containsEntry("com.amazonaws.${AWS::Region}.sqs", "Interface");
    }

    // ------------------------------------------------------------------ helpers

    private enum Branch { EITHER, CREATED, GIVEN }

    /**
     * Walks a part of the template and reports each reference to the given network (the parameters)
     * that is not on the "given" side of {@code !If [CreateVpc, ...]}, and each reference to a created
     * network resource that is not on the "created" side (or inside a resource under that condition).
     */
    private static void checkBranches(String where, Object value, Branch branch, Set<String> created, List<String> problems) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkBranches(where + "/" + i, list.get(i), branch, created, problems);
            }
            return;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return;
        }
        if (map.size() == 1 && map.containsKey("Fn::If")) {
            List<Object> arguments = listOf(map.get("Fn::If"));
            if (CREATE_VPC.equals(arguments.get(0))) {
                checkBranches(where + "/If(true)", arguments.get(1), Branch.CREATED, created, problems);
                checkBranches(where + "/If(false)", arguments.get(2), Branch.GIVEN, created, problems);
                return;
            }
        }
        String named = null;
        if (map.size() == 1 && map.containsKey("Ref")) {
            named = String.valueOf(map.get("Ref"));
        } else if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
            named = String.valueOf(listOf(map.get("Fn::GetAtt")).get(0));
        }
        if (named != null) {
            if (EXISTING_NETWORK_PARAMETERS.contains(named) && branch != Branch.GIVEN) {
                problems.add(where + ": names the parameter " + named + " outside the false branch of !If [" + CREATE_VPC + ", ...]");
            }
            if (created.contains(named) && branch != Branch.CREATED) {
                problems.add(where + ": names " + named + " (created only if " + CREATE_VPC + ") outside its true branch");
            }
            return;
        }
        map.forEach((key, child) -> checkBranches(where + "/" + key, child, branch, created, problems));
    }

    /** Every ingress rule of a security group: inline ones and AWS::EC2::SecurityGroupIngress resources naming it. */
    private static Map<String, Map<String, Object>> ingressRules(String group) {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        List<Object> inline = listOf(template.propertiesOf(group).get("SecurityGroupIngress"));
        for (int i = 0; i < inline.size(); i++) {
            rules.put("Resources/" + group + "/Properties/SecurityGroupIngress/" + i, mapOf(inline.get(i)));
        }
        template.resourcesOfType("AWS::EC2::SecurityGroupIngress").forEach((id, ingress) -> {
            Object target = properties(ingress).get("GroupId");
            if (target instanceof Map<?, ?> getAtt && getAtt.containsKey("Fn::GetAtt")
                    && group.equals(getAttResource(target, "GroupId of " + id))) {
                rules.put("Resources/" + id, properties(ingress));
            }
        });
        return rules;
    }

    /** The logical id of a rule's source security group when it is one of this template's, else "" (none). */
    private static String sourceGroup(Map<String, Object> rule) {
        Object source = rule.get("SourceSecurityGroupId");
        if (source instanceof Map<?, ?> map && map.containsKey("Fn::GetAtt")) {
            return getAttResource(source, "SourceSecurityGroupId");
        }
        return "";
    }
}
