package dev.efspipe.local.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static dev.efspipe.local.deploy.Template.getAtt;
import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.ref;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The api function behind an HTTP API in {@code template.yaml}: payload 2.0 to the function, CORS for the
 * web app on the API and on the bucket (browsers PUT uploads straight to S3), a JWT authorizer that is
 * optional and, when off, a loud warning in the outputs.
 */
class TemplateHttpApiTest {
    private static final String API_FUNCTION = "ApiFunction";
    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    private static String only(String type) {
        Map<String, Map<String, Object>> found = template.resourcesOfType(type);
        assertThat(found).as("resources of type %s", type).hasSize(1);
        return found.keySet().iterator().next();
    }

    @Test
    void everyRequestGoesToTheApiFunctionAsAPayload20Event() {
        String api = only("AWS::ApiGatewayV2::Api");
        String integration = only("AWS::ApiGatewayV2::Integration");
        Map<String, Object> i = template.propertiesOf(integration);
        assertThat(i).containsEntry("IntegrationType", "AWS_PROXY").containsEntry("PayloadFormatVersion", "2.0")
                .containsEntry("IntegrationUri", getAtt(API_FUNCTION, "Arn")).containsEntry("ApiId", ref(api));
        Map<String, Object> route = template.propertiesOf(only("AWS::ApiGatewayV2::Route"));
        assertThat(route).containsEntry("RouteKey", "$default")
                .containsEntry("Target", Map.of("Fn::Sub", "integrations/${" + integration + "}"));
        Map<String, Object> permission = template.propertiesOf(only("AWS::Lambda::Permission"));
        assertThat(permission).containsEntry("FunctionName", ref(API_FUNCTION))
                .containsEntry("Principal", "apigateway.amazonaws.com");
        assertThat(template.propertiesOf(only("AWS::ApiGatewayV2::Stage"))).containsEntry("AutoDeploy", true);
    }

    @Test
    void theJwtAuthorizerExistsAndGuardsTheRouteExactlyWhenAnIssuerIsGiven() {
        String authorizer = only("AWS::ApiGatewayV2::Authorizer");
        assertThat(template.resource(authorizer)).containsEntry("Condition", "UseJwt");
        assertThat(template.conditions().get("UseJwt")).isEqualTo(Map.of("Fn::Not",
                List.of(Map.of("Fn::Equals", List.of(ref("ApiJwtIssuer"), "")))));
        assertThat(mapOf(template.parameters().get("ApiJwtIssuer"))).containsEntry("Default", "");
        Map<String, Object> route = template.propertiesOf(only("AWS::ApiGatewayV2::Route"));
        assertThat(route.get("AuthorizationType")).isEqualTo(Map.of("Fn::If", List.of("UseJwt", "JWT", "NONE")));
        assertThat(route.get("AuthorizerId")).isEqualTo(Map.of("Fn::If", List.of("UseJwt", ref(authorizer), ref("AWS::NoValue"))));
        assertThat(mapOf(template.propertiesOf(authorizer).get("JwtConfiguration")))
                .containsEntry("Issuer", ref("ApiJwtIssuer")).containsEntry("Audience", ref("ApiJwtAudience"));
    }

    @Test
    void anOpenApiIsAnnouncedLoudlyInTheOutputs() {
        Object value = mapOf(template.outputs().get("ApiAuthorization")).get("Value");
        List<Object> branches = listOf(mapOf(value).get("Fn::If"));
        assertThat(branches.get(0)).isEqualTo("UseJwt");
        assertThat(String.valueOf(branches.get(2))).contains("WARNING").contains("OPEN").contains("ApiJwtIssuer");
        assertThat(mapOf(mapOf(template.outputs().get("ApiUrl")).get("Value")).get("Fn::Sub").toString())
                .startsWith("https://${HttpApi}.execute-api.");
    }

    @Test
    void browsersMayPutUploadsIntoTheBucketFromTheWebAppsOrigins() {
        String bucket = only("AWS::S3::Bucket");
        List<Object> rules = listOf(mapOf(template.propertiesOf(bucket).get("CorsConfiguration")).get("CorsRules"));
        assertThat(rules).hasSize(1);
        Map<String, Object> rule = mapOf(rules.get(0));
        assertThat(listOf(rule.get("AllowedMethods"))).containsExactly("PUT");
        assertThat(listOf(rule.get("ExposedHeaders"))).as("a multipart upload reads each part's ETag").containsExactly("ETag");
        assertThat(rule.get("AllowedOrigins")).isEqualTo(ref("ApiAllowedOrigins"));
        Map<String, Object> apiCors = mapOf(template.propertiesOf(only("AWS::ApiGatewayV2::Api")).get("CorsConfiguration"));
        assertThat(apiCors.get("AllowOrigins")).isEqualTo(ref("ApiAllowedOrigins"));
        assertThat(listOf(apiCors.get("ExposeHeaders"))).contains("next-cursor", "content-range");
    }

    @Test
    void apiFunctionMountsTheAccessPointAndKnowsTheBucketAndItsPrefix() {
        Map<String, Object> f = template.propertiesOf(API_FUNCTION);
        Map<String, Object> mount = mapOf(listOf(f.get("FileSystemConfigs")).get(0));
        assertThat(mount).containsEntry("LocalMountPath", "/mnt/pipeline");
        assertThat(template.environmentOf(API_FUNCTION)).containsEntry("PIPELINE_EFS_ROOT", "/mnt/pipeline")
                .containsEntry("PIPELINE_BUCKET", ref("UploadBucket")).containsEntry("PIPELINE_UPLOAD_PREFIX", ref("UploadPrefix"));
        assertThat(template.intValue(f.get("Timeout"))).as("API Gateway waits 30 s at most").isLessThan(30);
        assertThat(listOf(template.resource(API_FUNCTION).get("DependsOn")))
                .containsExactlyInAnyOrderElementsOf(template.resourcesOfType("AWS::EFS::MountTarget").keySet());
    }
}
