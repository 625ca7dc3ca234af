package dev.efspipe.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser-style uploads against the local stack, with plain HTTP only (no SDK): ask the API for a
 * presigned URL, PUT the bytes to the embedded S3, and follow {@code GET /api/uploads/{key}} to the end.
 * The stack runs as the template deploys it: ingest accepts {@code uploads/} only, and a small multipart
 * threshold (6 MiB, with S3's minimum part size of 5 MiB) makes a 11 MiB file a multipart upload.
 */
class ApiUploadsIT {
    @TempDir
    static Path dir;
    static LocalStack stack;
    static URI api;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir).withApiPort(0).withEnv(Map.of(
                "PIPELINE_ACCEPT_PREFIXES", "uploads/",
                "PIPELINE_MULTIPART_THRESHOLD_BYTES", Long.toString(6L << 20),
                "PIPELINE_MULTIPART_PART_BYTES", Long.toString(5L << 20))));
        api = URI.create(stack.info().apiEndpoint());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void singlePutReachesPublishedWithItsRecordCount() throws Exception {
        byte[] data = records(500, 40);
        JsonNode plan = post("/api/uploads", "{\"name\":\"Orders 2026.ndjson\",\"size\":" + data.length + ",\"dataset\":\"orders-api\"}", 201);
        assertThat(plan.has("uploadUrl")).isTrue();

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(plan.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        JsonNode status = awaitState(plan.get("key").asText(), Set.of("published", "failed"));
        assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("published");
        assertThat(status.get("records").asLong()).isEqualTo(500);
        assertThat(status.get("dataset").asText()).isEqualTo("orders-api");
        assertThat(status.get("version").asText()).isNotBlank();
        JsonNode listed = get("/api/datasets", 200);
        assertThat(listed.get("datasets").toString()).contains("orders-api");
    }

    @Test
    void multipartUploadOverTheThresholdReachesPublished() throws Exception {
        byte[] data = records(66_000, 150);
        assertThat(data.length).isGreaterThan(10 << 20);
        JsonNode plan = post("/api/uploads", "{\"name\":\"big.ndjson\",\"size\":" + data.length + "}", 201);
        assertThat(plan.get("partSize").asLong()).isEqualTo(5L << 20);
        ArrayNode parts = (ArrayNode) plan.get("parts");
        assertThat(parts).hasSize(3);

        ObjectNode complete = Json.MAPPER.createObjectNode().put("uploadId", plan.get("uploadId").asText());
        ArrayNode done = complete.putArray("parts");
        long partSize = plan.get("partSize").asLong();
        for (JsonNode part : parts) {
            int n = part.get("partNumber").asInt();
            int from = (int) ((n - 1) * partSize);
            int to = (int) Math.min(data.length, from + partSize);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(part.get("url").asText()))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(data, from, to - from)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            done.addObject().put("partNumber", n).put("eTag", r.headers().firstValue("etag").orElseThrow());
        }
        post("/api/uploads/" + plan.get("key").asText() + "/complete", complete.toString(), 200);

        JsonNode status = awaitState(plan.get("key").asText(), Set.of("published", "failed"));
        assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("published");
        assertThat(status.get("records").asLong()).isEqualTo(66_000);
        assertThat(status.get("dataset").asText()).isEqualTo("big");
    }

    @Test
    void aFileThePipelineRefusesReachesFailedWithTheReason() throws Exception {
        byte[] data = "[{\"id\":1},{\"id\":2},{\"id\":".getBytes(StandardCharsets.UTF_8); // cut short
        JsonNode plan = post("/api/uploads", "{\"name\":\"broken.json\",\"size\":" + data.length + "}", 201);
        HTTP.send(HttpRequest.newBuilder(URI.create(plan.get("uploadUrl").asText())).PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                .build(), HttpResponse.BodyHandlers.ofString());

        JsonNode status = awaitState(plan.get("key").asText(), Set.of("published", "failed"));
        assertThat(status.get("state").asText()).isEqualTo("failed");
        assertThat(status.get("reason").asText()).as(status.toString()).containsIgnoringCase("end-of-input");
        assertThat(status.get("jobId").asText()).matches("[0-9a-f]{32}");
        assertThat(get("/api/jobs/" + status.get("jobId").asText(), 200).get("state").asText()).isEqualTo("failed");
    }

    @Test
    void aKeyOutsideTheAcceptedPrefixesIsRejectedWithTheRule() throws Exception {
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key("elsewhere/x.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("[1]"));

        JsonNode status = get("/api/uploads/elsewhere/x.json", 200);

        assertThat(status.get("state").asText()).isEqualTo("rejected");
        assertThat(status.get("reason").asText()).contains("uploads/").contains("PIPELINE_ACCEPT_PREFIXES");
    }

    @Test
    void aKeyWithNoObjectIsMissing() throws Exception {
        JsonNode status = get("/api/uploads/uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/nothing.json", 200);

        assertThat(status.get("state").asText()).isEqualTo("missing");
        assertThat(status.get("jobId").isNull()).isTrue();
    }

    @Test
    void anAbortedMultipartUploadCannotBeCompleted() throws Exception {
        JsonNode plan = post("/api/uploads", "{\"name\":\"dropped.json\",\"size\":" + (7L << 20) + "}", 201);
        String key = plan.get("key").asText();
        post("/api/uploads/" + key + "/abort", "{\"uploadId\":\"" + plan.get("uploadId").asText() + "\"}", 200);

        JsonNode refused = post("/api/uploads/" + key + "/complete", "{\"uploadId\":\"" + plan.get("uploadId").asText()
                + "\",\"parts\":[{\"partNumber\":1,\"eTag\":\"abc\"}]}", -1);
        assertThat(refused.get("status").asInt()).isBetween(400, 499);
    }

    @Test
    void theSeedSessionWorksOverHttp() throws Exception {
        HttpResponse<String> first = HTTP.send(HttpRequest.newBuilder(api.resolve("/api/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("Hello from EFS!"))
                .header("content-type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.body()).isEqualTo("Hello from EFS!\n");
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(api.resolve("/api/messages")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.body()).isEqualTo("Messages deleted.");
        assertThat(HTTP.send(HttpRequest.newBuilder(api.resolve("/api/messages")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("No message yet.");
    }

    @Test
    void theStackInfoNamesTheApiEndpoint() throws Exception {
        Path file = stack.writeInfo();

        assertThat(Json.MAPPER.readTree(file.toFile()).get("apiEndpoint").asText()).isEqualTo(api.toString());
    }

    private static byte[] records(int count, int pad) {
        StringBuilder b = new StringBuilder();
        String padding = "p".repeat(pad);
        for (int i = 0; i < count; i++) {
            b.append("{\"id\":").append(i).append(",\"pad\":\"").append(padding).append("\"}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode awaitState(String key, Set<String> states) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = get("/api/uploads/" + key, 200);
            if (states.contains(status.get("state").asText())) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Upload " + key + " did not reach " + states + " in 120 s; last: " + status);
    }

    private static JsonNode get(String path, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.MAPPER.readTree(r.body());
    }

    private static JsonNode post(String path, String json, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (status > 0) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        }
        return Json.MAPPER.readTree(r.body());
    }
}
