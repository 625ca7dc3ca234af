package dev.efspipe.api;

import dev.efspipe.api.config.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.json.Json;
import dev.efspipe.layout.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Published datasets over HTTP: the list, manifests, record pages with cursors, files in ranges. */
class DatasetRoutesTest {
    private static final Instant T1 = Instant.parse("2026-11-26T06:15:00Z");
    private static final Instant T2 = Instant.parse("2026-11-27T06:15:00Z");

    @TempDir
    Path efs;

    private ApiService api(long maxResponseBytes) {
        ApiConfig c = TestApi.config(efs);
        return TestApi.service(new ApiConfig(c.efs(), c.clients(), c.bucket(), c.uploadPrefix(), c.multipartThreshold(), c.partBytes(),
                c.presignTtl(), maxResponseBytes, c.messageFile(), c.ingestRules()));
    }

    private static List<String> records(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "{\"id\":" + i + ",\"pad\":\"" + "x".repeat(20) + "\"}").toList();
    }

    @Test
    void listNamesEachDatasetWithItsCurrentVersion() throws Exception {
        Version orders = Published.write(efs, "orders", T1, List.of(records(0, 3)), Map.of(), false);
        Version users = Published.write(efs, "users", T1, List.of(records(0, 1)), Map.of(), false);

        JsonNode body = Json.MAPPER.readTree(TestApi.call(api(4 << 20), "GET", "/api/datasets").body());

        // Each item also carries its current version's summary (DatasetSummariesTest).
        assertThat(body.get("datasets")).extracting(d -> d.get("name").asText() + " " + d.get("current").asText())
                .containsExactly("orders " + orders, "users " + users);
    }

    @Test
    void manifestOfCurrentOrOfARequestedVersion() throws Exception {
        Version v1 = Published.write(efs, "orders", T1, List.of(records(0, 3)), Map.of(), false);
        Version v2 = Published.write(efs, "orders", T2, List.of(records(0, 5)), Map.of(), false);
        ApiService api = api(4 << 20);

        assertThat(Json.MAPPER.readTree(TestApi.call(api, "GET", "/api/datasets/orders").body()).get("records").asLong()).isEqualTo(5);
        ApiResponse old = TestApi.call(api, "GET", "/api/datasets/orders?version=" + v1);
        assertThat(Json.MAPPER.readTree(old.body()).get("records").asLong()).isEqualTo(3);
        assertThat(old.headers()).containsEntry("x-version", v1.value());
        assertThat(v2).isNotEqualTo(v1);
    }

    @Test
    void recordPagesWalkEveryRecordOnceAcrossParts() {
        walkAll(false);
    }

    @Test
    void recordPagesWalkGzipPartsToo() {
        walkAll(true);
    }

    private void walkAll(boolean gzip) {
        try {
            Published.write(efs, "orders", T1, List.of(records(0, 7), records(7, 8), records(8, 20)), Map.of(), gzip);
            List<String> seen = new ArrayList<>();
            ApiService api = api(4 << 20);
            String cursor = null;
            int pages = 0;
            do {
                ApiResponse page = TestApi.call(api, "GET", "/api/datasets/orders/records?limit=3"
                        + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.headers()).containsEntry("content-type", "application/x-ndjson");
                page.bodyText().lines().forEach(seen::add);
                assertThat(page.bodyText().lines().count()).isLessThanOrEqualTo(3);
                cursor = page.headers().get("next-cursor");
                pages++;
            } while (cursor != null && pages < 50);
            assertThat(seen).containsExactlyElementsOf(records(0, 20));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aPageStopsAtTheByteBudgetBeforeTheLimit() throws Exception {
        Published.write(efs, "orders", T1, List.of(records(0, 10_000)), Map.of(), false);
        ApiService api = api(64 * 1024);

        ApiResponse page = TestApi.call(api, "GET", "/api/datasets/orders/records?limit=10000");

        assertThat(page.body().length).isLessThanOrEqualTo(64 * 1024);
        long lines = page.bodyText().lines().count();
        assertThat(lines).isGreaterThan(100).isLessThan(10_000);
        assertThat(page.headers()).containsKey("next-cursor").containsEntry("x-records", Long.toString(lines));
    }

    @Test
    void aCursorStaysOnItsVersionWhenCurrentMovesOn() throws Exception {
        Version v1 = Published.write(efs, "orders", T1, List.of(records(0, 6)), Map.of(), false);
        ApiService api = api(4 << 20);
        String cursor = TestApi.call(api, "GET", "/api/datasets/orders/records?limit=2").headers().get("next-cursor");

        Published.write(efs, "orders", T2, List.of(records(100, 110)), Map.of(), false);
        ApiResponse next = TestApi.call(api, "GET", "/api/datasets/orders/records?limit=2&cursor=" + cursor);

        assertThat(next.headers()).containsEntry("x-version", v1.value());
        assertThat(next.bodyText().lines().toList()).containsExactlyElementsOf(records(2, 4));
    }

    @Test
    void aFileWithoutRangeLargerThanOneAnswerGetsItsFirstRangeAndHowToGetTheRest() throws Exception {
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        Published.write(efs, "scans", T1, List.of(records(0, 1)), Map.of("scan.bin", big), false);

        ApiResponse first = TestApi.call(api(64 * 1024), "GET", "/api/datasets/scans/files/files/scan.bin");

        assertThat(first.status()).isEqualTo(206);
        assertThat(first.body()).hasSize(64 * 1024);
        assertThat(first.headers()).containsEntry("content-range", "bytes 0-65535/200000")
                .containsEntry("x-next-range", "bytes=65536-");
        assertThat(first.binary()).isTrue();
    }

    @Test
    void rangesServeTheBytesAskedFor() throws Exception {
        byte[] data = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Published.write(efs, "scans", T1, List.of(records(0, 1)), Map.of("d/data.txt", data), false);
        ApiService api = api(4 << 20);

        ApiResponse mid = TestApi.call(api, "GET", "/api/datasets/scans/files/files/d/data.txt", null, Map.of("Range", "bytes=2-5"));
        ApiResponse tail = TestApi.call(api, "GET", "/api/datasets/scans/files/files/d/data.txt", null, Map.of("Range", "bytes=-3"));
        ApiResponse whole = TestApi.call(api, "GET", "/api/datasets/scans/files/files/d/data.txt");
        ApiResponse outside = TestApi.call(api, "GET", "/api/datasets/scans/files/files/d/data.txt", null, Map.of("Range", "bytes=16-"));

        assertThat(mid.status()).isEqualTo(206);
        assertThat(mid.bodyText()).isEqualTo("2345");
        assertThat(mid.headers()).containsEntry("content-range", "bytes 2-5/16");
        assertThat(tail.bodyText()).isEqualTo("def");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.bodyText()).isEqualTo("0123456789abcdef");
        assertThat(outside.status()).isEqualTo(416);
        assertThat(outside.headers()).containsEntry("content-range", "bytes */16");
    }

    @Test
    void partsAndTheManifestAreServedAsFilesToo() throws Exception {
        Published.write(efs, "orders", T1, List.of(records(0, 2)), Map.of(), false);
        ApiService api = api(4 << 20);

        assertThat(TestApi.call(api, "GET", "/api/datasets/orders/files/parts/part-00000.ndjson").bodyText())
                .isEqualTo(String.join("\n", records(0, 2)) + "\n");
        assertThat(TestApi.call(api, "GET", "/api/datasets/orders/files/manifest.json").status()).isEqualTo(200);
    }
}
