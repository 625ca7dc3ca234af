package dev.efspipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests: traversal in names and paths (plain, percent-encoded, encoded slashes, overlong
 * UTF-8), huge bodies, bad JSON, forged cursors, unknown routes, wrong methods. Each gets a 4xx problem
 * document, never a 500, and no answer carries a byte of the secrets planted next to {@code published/}
 * and outside the EFS root.
 */
class HostileInputTest {
    private static final String SECRET = "SECRET-" + "c0ffee";

    @TempDir
    Path dir;
    private ApiService api;

    @BeforeEach
    void setUp() throws Exception {
        Path efs = dir.resolve("efs");
        Published.write(efs, "orders", Instant.parse("2026-11-26T06:15:00Z"), List.of(List.of("{\"id\":1}", "{\"id\":2}")),
                Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)), false);
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.createDirectories(efs.resolve("jobs/ab"));
        Files.writeString(efs.resolve("jobs/ab/secret.txt"), SECRET);
        Files.writeString(efs.resolve("published/orders/secret.txt"), SECRET);
        Files.writeString(efs.resolve("published/secret.txt"), SECRET);
        api = TestApi.service(TestApi.config(efs));
    }

    record Hostile(String method, String path, String body, Map<String, String> headers) {
        @Override
        public String toString() {
            return method + " " + (path.length() > 80 ? path.substring(0, 80) + "…" : path)
                    + (body == null ? "" : " (" + body.length() + " chars)") + (headers.isEmpty() ? "" : " " + headers);
        }
    }

    static List<Hostile> requests() {
        List<Hostile> out = new ArrayList<>();
        String v = "20261126T061500.000Z-000000000000";
        for (String path : List.of(
                "/api/datasets/..", "/api/datasets/%2e%2e", "/api/datasets/..%2F..%2Fjobs",
                "/api/datasets/orders%2F..%2F..%2Fjobs", "/api/datasets/%2E%2E/files/secret.txt",
                "/api/datasets/orders/files/../secret.txt", "/api/datasets/orders/files/..%2Fsecret.txt",
                "/api/datasets/orders/files/%2e%2e/%2e%2e/secret.txt", "/api/datasets/orders/files/secret.txt",
                "/api/datasets/orders/files//etc/passwd", "/api/datasets/orders/files/%2Fetc%2Fpasswd",
                "/api/datasets/orders/files/files%2F..%2F..%2Fsecret.txt", "/api/datasets/orders/files/files/..%5C..%5Csecret.txt",
                "/api/datasets/orders/files/%c0%ae%c0%ae/secret.txt", "/api/datasets/orders/files/files/readme.txt%00.json",
                "/api/datasets/orders/files/parts/part-00000.ndjson?version=..%2F..%2Fjobs",
                "/api/datasets/orders?version=../../jobs", "/api/datasets/orders?version=" + v,
                "/api/datasets/ORDERS", "/api/datasets/orders/records?limit=0", "/api/datasets/orders/records?limit=-1",
                "/api/datasets/orders/records?limit=99999999999", "/api/datasets/orders/records?limit=abc",
                "/api/datasets/orders/records?cursor=", "/api/datasets/orders/records?cursor=%%%",
                "/api/datasets/orders/records?cursor=bm90LWpzb24", "/api/datasets/orders/records?cursor=" + cursor("{\"v\":1,\"p\":0,\"o\":0}"),
                "/api/datasets/orders/records?cursor=" + cursor("{\"v\":\"" + v + "\",\"p\":0,\"o\":0}"),
                "/api/datasets/orders/records?cursor=" + cursor("{\"v\":\"../../x\",\"p\":0,\"o\":0}"),
                "/api/datasets/orders/records?cursor=" + cursor("{\"v\":\"" + v + "\",\"p\":-1,\"o\":0}"),
                "/api/datasets/orders/records?cursor=" + cursor("{\"v\":\"" + v + "\",\"p\":0,\"o\":0,\"x\":1}"),
                "/api/jobs/..%2F..%2Fsecret", "/api/jobs/ABCDEF", "/api/jobs/00000000000000000000000000000000",
                "/api/uploads/%zz", "/api/uploads/" + "a".repeat(1100), "/%2e%2e/%2e%2e/secret.txt",
                "/assets/..%2Fsecret.txt", "/assets/%2e%2e", "/assets/secret.txt", "/assets/.hidden.css",
                "/api/nothing", "/api", "/api/messages/extra", "/" + "x/".repeat(3000))) {
            out.add(new Hostile("GET", path, null, Map.of()));
        }
        out.add(new Hostile("GET", "/api/datasets/orders/files/files/readme.txt", null, Map.of("range", "bytes=5-2")));
        out.add(new Hostile("GET", "/api/datasets/orders/files/files/readme.txt", null, Map.of("range", "bytes=0-1,3-4")));
        out.add(new Hostile("GET", "/api/datasets/orders/files/files/readme.txt", null, Map.of("range", "bytes=99999999999999999999-")));
        out.add(new Hostile("GET", "/api/datasets/orders/files/files/readme.txt", null, Map.of("range", "lines=1-2")));
        out.add(new Hostile("DELETE", "/api/datasets/orders", null, Map.of()));
        out.add(new Hostile("PUT", "/api/uploads", "{}", Map.of()));
        out.add(new Hostile("PATCH", "/", null, Map.of()));
        out.add(new Hostile("POST", "/api/messages", "x".repeat((1 << 20) + 1), Map.of()));
        out.add(new Hostile("POST", "/api/messages", "", Map.of()));
        out.add(new Hostile("POST", "/api/messages", "two\nlines", Map.of()));
        out.add(new Hostile("POST", "/api/messages", "{\"a\":1}", Map.of("content-type", "application/json")));
        for (String body : List.of("", "not json", "[1,2]", "null", "{\"name\":\"a.json\"}", "{\"size\":1}",
                "{\"name\":\"a.json\",\"size\":-1}", "{\"name\":\"a.json\",\"size\":1.5}", "{\"name\":\"a.json\",\"size\":\"1\"}",
                "{\"name\":1,\"size\":1}", "{\"name\":\"\",\"size\":1}", "{\"name\":\"a.json\",\"size\":1,\"extra\":true}",
                "{\"name\":\"a.json\",\"size\":1,\"dataset\":\"../../jobs\"}", "{\"name\":\"a.json\",\"size\":1,\"recordPointer\":\"no-slash\"}",
                "{\"name\":\"a.json\",\"size\":99999999999999999999}", "{\"name\":\"a.json\",\"size\":" + (6L << 40) + "}",
                "{\"name\":\"a.json\",\"size\":1,\"dataset\":\"" + "a".repeat(200) + "\"}", "{" + "\"a\":[".repeat(2000),
                "{\"name\":\"" + "x".repeat(2 << 20) + "\",\"size\":1}")) {
            out.add(new Hostile("POST", "/api/uploads", body, Map.of("content-type", "application/json")));
        }
        String key = "uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/a.json";
        out.add(new Hostile("POST", "/api/uploads/" + key + "/complete", "{\"uploadId\":\"x\",\"parts\":[]}", Map.of()));
        out.add(new Hostile("POST", "/api/uploads/" + key + "/complete", "{\"uploadId\":\"x\",\"parts\":[{\"partNumber\":2,\"eTag\":\"a\"},{\"partNumber\":1,\"eTag\":\"b\"}]}", Map.of()));
        out.add(new Hostile("POST", "/api/uploads/" + key + "/complete", "{\"uploadId\":\"x\",\"parts\":[{\"partNumber\":0,\"eTag\":\"a\"}]}", Map.of()));
        out.add(new Hostile("POST", "/api/uploads/elsewhere/a.json/complete", "{\"uploadId\":\"x\",\"parts\":[{\"partNumber\":1,\"eTag\":\"a\"}]}", Map.of()));
        out.add(new Hostile("POST", "/api/uploads/../../secret.txt/abort", "{\"uploadId\":\"x\"}", Map.of()));
        out.add(new Hostile("POST", "/api/uploads/" + key, "{}", Map.of()));
        return out;
    }

    private static String cursor(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void isAProblemDocumentWithA4xxAndLeaksNothing(Hostile h) throws Exception {
        ApiResponse r = TestApi.call(api, h.method(), h.path(), h.body(), h.headers());

        assertThat(r.status()).as(r.bodyText()).isBetween(400, 499);
        assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
        JsonNode problem = Json.MAPPER.readTree(r.body());
        assertThat(problem.get("status").asInt()).isEqualTo(r.status());
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(r.bodyText()).doesNotContain(SECRET);
    }
}
