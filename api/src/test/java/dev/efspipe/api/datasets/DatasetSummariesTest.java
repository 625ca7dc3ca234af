package dev.efspipe.api.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.layout.JobId;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the web page's datasets list and versions list show: each version's records, bytes, time and source. */
class DatasetSummariesTest {
    @TempDir
    Path efs;

    @Test
    void listGivesEachDatasetsCurrentVersionWithItsSummary() throws Exception {
        EfsLayout layout = new EfsLayout(efs);
        publish(layout, "orders", "2026-11-26T06:15:00Z", 10, 100, "incoming/orders-1.json");
        Version newer = publish(layout, "orders", "2026-11-27T06:15:00Z", 25, 300, "incoming/orders-2.json");

        JsonNode list = json(new Datasets(layout, 1 << 20).list(get()));

        JsonNode orders = list.get("datasets").get(0);
        assertThat(orders.get("name").asText()).isEqualTo("orders");
        assertThat(orders.get("current").asText()).isEqualTo(newer.value());
        assertThat(orders.get("records").asLong()).isEqualTo(25);
        assertThat(orders.get("bytes").asLong()).as("parts plus files").isEqualTo(300 + 7);
        assertThat(orders.get("publishedAt").asText()).isEqualTo("2026-11-27T06:15:00Z");
        assertThat(orders.get("source").asText()).isEqualTo("s3://uploads/incoming/orders-2.json");
    }

    @Test
    void versionsAreListedNewestFirstWithTheCurrentOneNamed() throws Exception {
        EfsLayout layout = new EfsLayout(efs);
        Version older = publish(layout, "orders", "2026-11-26T06:15:00Z", 10, 100, "incoming/orders-1.json");
        Version newer = publish(layout, "orders", "2026-11-27T06:15:00Z", 25, 300, "incoming/orders-2.json");

        JsonNode answer = json(new Datasets(layout, 1 << 20).versions("orders"));

        assertThat(answer.get("current").asText()).isEqualTo(newer.value());
        assertThat(answer.get("more").asBoolean()).isFalse();
        assertThat(answer.get("versions")).extracting(v -> v.get("version").asText()).containsExactly(newer.value(), older.value());
        assertThat(answer.get("versions").get(1).get("records").asLong()).isEqualTo(10);
    }

    @Test
    void versionsOfAnUnknownDatasetAreNotFound() {
        Datasets datasets = new Datasets(new EfsLayout(efs), 1 << 20);

        assertThatThrownBy(() -> datasets.versions("nothing-here")).isInstanceOfSatisfying(ApiProblem.class,
                p -> assertThat(p.getMessage()).contains("nothing-here"));
        assertThatThrownBy(() -> datasets.versions("..")).isInstanceOf(ApiProblem.class);
    }

    private static ApiRequest get() {
        return new ApiRequest("GET", "/api/datasets", Map.of(), Map.of(), new byte[0]);
    }

    private static JsonNode json(ApiResponse r) throws Exception {
        assertThat(r.status()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    /** A complete published version as the publisher leaves it: the manifest in its directory, then CURRENT. */
    private static Version publish(EfsLayout layout, String name, String at, long records, long partBytes, String key) throws Exception {
        DatasetName dataset = DatasetName.of(name);
        UploadSource source = UploadSource.s3("uploads", key, null, "etag-" + records, partBytes);
        JobId job = source.jobId();
        Version version = Version.of(Instant.parse(at), job);
        Manifest m = new Manifest(Manifest.SCHEMA, dataset, version, job, source, Instant.parse(at), records, partBytes,
                List.of(new Manifest.Part("parts/part-00000.ndjson", key, records, partBytes, "0".repeat(64))),
                List.of(new Manifest.FileEntry("files/readme.txt", 7, "1".repeat(64))), Map.of("process", 5L));
        Path dir = Files.createDirectories(layout.version(dataset, version));
        Files.write(dir.resolve(EfsLayout.MANIFEST), Json.MAPPER.writeValueAsBytes(m));
        Files.writeString(layout.current(dataset), version.value(), StandardCharsets.UTF_8);
        return version;
    }
}
