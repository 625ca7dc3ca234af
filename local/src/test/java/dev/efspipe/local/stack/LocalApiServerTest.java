package dev.efspipe.local.stack;

import dev.efspipe.api.ApiHandler;
import dev.efspipe.api.ApiService;
import dev.efspipe.layout.JobId;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local API Gateway stand-in: API Gateway's 10 MB request cap, and the largest answer the api gives
 * (a 4 MiB binary range, base64-encoded in the Lambda response) passing under Lambda's 6 MB cap.
 */
class LocalApiServerTest {
    @TempDir
    Path efs;
    private LocalApiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = LocalApiServer.start(0, new ApiHandler(ApiService.fromEnvironment(Map.of(
                "PIPELINE_EFS_ROOT", efs.toString(), "PIPELINE_BUCKET", "uploads", "PIPELINE_S3_ENDPOINT", "http://127.0.0.1:9",
                "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local-secret"))), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRequestBodyOverApiGatewaysTenMegabytesIsRefusedWith413() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.endpoint().resolve("/api/messages"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LocalApiServer.MAX_REQUEST_BYTES + 1])).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void theLargestBinaryAnswerFitsUnderLambdasResponseCap() throws Exception {
        byte[] big = new byte[9 << 20];
        new Random(7).nextBytes(big);
        publish("scans", "files/scan.bin", big);

        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.endpoint().resolve("/api/datasets/scans/files/files/scan.bin"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.body()).hasSize(4 << 20).isEqualTo(java.util.Arrays.copyOf(big, 4 << 20));
        assertThat(r.headers().firstValue("x-next-range")).contains("bytes=" + (4 << 20) + "-");
    }

    private void publish(String dataset, String file, byte[] content) throws Exception {
        EfsLayout layout = new EfsLayout(efs);
        UploadSource source = UploadSource.s3("uploads", "uploads/" + dataset + ".zip", null, "e", content.length);
        Instant at = Instant.parse("2026-11-26T06:15:00Z");
        Version version = Version.of(at, source.jobId());
        Path dir = layout.version(DatasetName.of(dataset), version);
        Files.createDirectories(dir.resolve(file).getParent());
        Files.write(dir.resolve(file), content);
        Manifest m = new Manifest(Manifest.SCHEMA, DatasetName.of(dataset), version, source.jobId(), source, at, 0,
                content.length, List.of(), List.of(new Manifest.FileEntry(file, content.length, "00")), Map.of());
        Files.write(dir.resolve(EfsLayout.MANIFEST), Json.MAPPER.writeValueAsBytes(m));
        Files.writeString(layout.current(DatasetName.of(dataset)), version.value());
    }
}
