package dev.efspipe.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler fed HTTP API (payload 2.0) events exactly as API Gateway delivers them, loaded through the
 * Lambda runtime's own serializers ({@link EventLoader}): the seed's MessageWall session, problem
 * documents, and binary bodies.
 */
class ApiHandlerTest {
    @TempDir
    Path efs;
    private ApiHandler handler;

    @BeforeEach
    void setUp() {
        handler = new ApiHandler(TestApi.service(TestApi.config(efs)));
    }

    @Test
    void seedSessionAnswersWithTheSeedTexts() {
        assertThat(invoke("events/http-get-messages.json").getBody()).isEqualTo("No message yet.");
        assertThat(invoke("events/http-post-message-form.json").getBody()).isEqualTo("Hello from EFS!\n");
        assertThat(invoke("events/http-post-message-text.json").getBody()).isEqualTo("Hello from EFS!\nHello again :)\n");
        assertThat(invoke("events/http-get-messages.json").getBody()).isEqualTo("Hello from EFS!\nHello again :)\n");
        APIGatewayV2HTTPResponse deleted = invoke("events/http-delete-messages.json");
        assertThat(deleted.getStatusCode()).isEqualTo(200);
        assertThat(deleted.getBody()).isEqualTo("Messages deleted.");
        assertThat(invoke("events/http-get-messages.json").getBody()).isEqualTo("No message yet.");
    }

    @Test
    void messagesAreWrittenUnderTheEfsRootsMessageFolder() {
        invoke("events/http-post-message-form.json");

        assertThat(efs.resolve("message/wall.txt")).hasContent("Hello from EFS!");
    }

    @Test
    void unknownRouteIsA404ProblemDocument() throws Exception {
        APIGatewayV2HTTPResponse r = invoke("events/http-get-unknown-route.json");

        assertThat(r.getStatusCode()).isEqualTo(404);
        assertThat(r.getHeaders()).containsEntry("content-type", "application/problem+json");
        JsonNode problem = Json.MAPPER.readTree(r.getBody());
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("instance").asText()).isEqualTo("/api/nothing-here");
        assertThat(problem.get("detail").asText()).contains("GET /api/nothing-here");
    }

    @Test
    void wrongMethodIsA405NamingTheAllowedOnes() {
        APIGatewayV2HTTPResponse r = invoke("events/http-put-messages.json");

        assertThat(r.getStatusCode()).isEqualTo(405);
        assertThat(r.getHeaders()).containsEntry("allow", "GET, POST, DELETE");
    }

    @Test
    void uploadRequestIsAnsweredWithAServerChosenKeyAndAPresignedPut() throws Exception {
        APIGatewayV2HTTPResponse r = invoke("events/http-post-upload.json");

        assertThat(r.getStatusCode()).isEqualTo(201);
        JsonNode body = Json.MAPPER.readTree(r.getBody());
        assertThat(body.get("key").asText()).matches("uploads/[0-9a-f-]{36}/dataset=sales/Sales-Report-2026\\.json");
        assertThat(body.get("method").asText()).isEqualTo("PUT");
        assertThat(body.get("uploadUrl").asText()).contains("X-Amz-Signature=").contains("X-Amz-SignedHeaders=content-length%3Bhost");
    }

    @Test
    void badJsonIsA400ThatSaysWhere() throws Exception {
        APIGatewayV2HTTPResponse r = invoke("events/http-post-upload-bad-json.json");

        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(r.getBody()).get("detail").asText()).contains("not JSON").contains("line 1");
    }

    @Test
    void binaryAssetTravelsBase64Encoded() {
        APIGatewayV2HTTPResponse r = invoke("events/http-get-logo.json");

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getIsBase64Encoded()).isTrue();
        assertThat(r.getHeaders()).containsEntry("content-type", "image/png");
        assertThat(Base64.getDecoder().decode(r.getBody())).startsWith(0x89, 'P', 'N', 'G');
    }

    private APIGatewayV2HTTPResponse invoke(String event) {
        return handler.handleRequest(EventLoader.loadApiGatewayHttpEvent(event), null);
    }
}
