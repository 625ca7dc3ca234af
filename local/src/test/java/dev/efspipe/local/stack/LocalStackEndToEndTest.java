package dev.efspipe.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path on the local stack with real protocol peers: the AWS SDK's S3 client uploads to
 * S3Proxy, the storage layer announces the object on ElasticMQ, the ingest and processor handlers run
 * under Lambda-style pollers, and the dataset is published into the EFS directory.
 */
class LocalStackEndToEndTest {
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        // A short processor timeout (and so visibility timeout) brings a duplicate that found its job busy back quickly.
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir).withPartMaxBytes(4096).withProcessorTimeout(Duration.ofSeconds(3)));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void uploadThroughTheS3ApiIsPublishedWithEveryRecordAndFile() throws Exception {
        Path zip = DemoArchive.write(dir.resolve("orders.zip"), 250, 7);
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key("in/orders.zip"), zip);

        DatasetName dataset = DatasetName.of("orders");
        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        Optional<Version> version = reader.awaitNewVersion(dataset, Optional.empty(), Duration.ofSeconds(60), Duration.ofMillis(50));
        assertThat(version).as("published within 60 s").isPresent();

        Manifest manifest = reader.manifest(dataset, version.get());
        assertThat(manifest.records()).isEqualTo(250);
        assertThat(manifest.parts()).as("4 KB parts roll over").hasSizeGreaterThan(1);
        assertThat(manifest.source().key()).isEqualTo("in/orders.zip");

        List<JsonNode> published = new ArrayList<>();
        for (Manifest.Part part : manifest.parts()) {
            try (InputStream in = reader.open(dataset, version.get(), part.name())) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    published.add(Json.MAPPER.readTree(line));
                }
            }
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DemoArchive.writeOrders(expected, 250, 7);
        List<JsonNode> generated = new ArrayList<>();
        Json.MAPPER.readTree(expected.toByteArray()).forEach(generated::add);
        assertThat(published).containsExactlyElementsOf(generated);

        assertThat(manifest.files()).extracting(Manifest.FileEntry::name).containsExactly("files/" + DemoArchive.TEXT_ENTRY);
        try (InputStream in = reader.open(dataset, version.get(), "files/" + DemoArchive.TEXT_ENTRY)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("Demo upload: 250 orders");
        }

        List<CatalogEntry> entries = catalog().entries();
        assertThat(entries).filteredOn(e -> e.dataset().equals("orders"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.version()).isEqualTo(version.get().value());
                    assertThat(e.records()).isEqualTo(250);
                    assertThat(e.parts()).isEqualTo(manifest.parts().size());
                });
        assertThat(Files.list(new EfsLayout(stack.info().efsDir()).stagingDir()).toList())
                .as("nothing left in staging").isEmpty();
    }

    @Test
    void nothingOnEfsIsWorldReadableAndPublishedFilesAreGroupReadable() throws Exception {
        Path zip = DemoArchive.write(dir.resolve("perm.zip"), 10, 13);
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key("perm/perm.zip"), zip);
        assertThat(new DatasetReader(stack.info().efsDir()).awaitNewVersion(DatasetName.of("perm"), Optional.empty(),
                Duration.ofSeconds(60), Duration.ofMillis(50))).isPresent();
        // Walk a still tree: a handler finishing a job replaces its record through a temporary file.
        LocalStack.await(Duration.ofSeconds(60), stack::quiescent, "the stack to finish its work");
        try (var walk = Files.walk(stack.info().efsDir())) {
            for (Path p : walk.toList()) {
                var perms = Files.getPosixFilePermissions(p);
                assertThat(perms).as("%s is open to others", p).noneMatch(x -> x.name().startsWith("OTHERS_"));
                if (p.startsWith(stack.info().efsDir().resolve("published"))) {
                    assertThat(perms).as("%s readable by the group", p).contains(PosixFilePermission.GROUP_READ);
                }
            }
        }
    }

    @Test
    void sameObjectUploadedTwiceIsPublishedOnce() throws Exception {
        Path zip = DemoArchive.write(dir.resolve("twice.zip"), 40, 11);
        long before = stack.batchesHandled("processor");

        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key("twice/twice.zip"), zip);
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key("twice/twice.zip"), zip);

        LocalStack.await(Duration.ofSeconds(60), () -> stack.batchesHandled("processor") >= before + 2 && stack.quiescent(),
                "both announcements to be processed");
        DatasetName dataset = DatasetName.of("twice");
        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        assertThat(reader.versions(dataset)).hasSize(1);
        assertThat(reader.manifest(dataset, reader.current(dataset).orElseThrow()).records()).isEqualTo(40);
        assertThat(catalog().entries()).filteredOn(e -> e.dataset().equals("twice")).hasSize(1);
    }

    @Test
    void multipartUploadIsAnnouncedByTheStorageLayer() throws Exception {
        byte[] all = "a line of a log file that is not JSON\n".repeat(300_000).getBytes(StandardCharsets.UTF_8);
        var s3 = stack.s3();
        String bucket = stack.info().bucket();
        String key = "multi/big.log"; // ~11 MB in two parts: above S3's 5 MB multipart minimum
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        int half = 6 * 1024 * 1024;
        var p1 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(Arrays.copyOfRange(all, 0, half)));
        var p2 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(Arrays.copyOfRange(all, half, all.length)));
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
                CompletedPart.builder().partNumber(2).eTag(p2.eTag()).build())));

        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        Optional<Version> version = reader.awaitNewVersion(DatasetName.of("big.log"), Optional.empty(), Duration.ofSeconds(60),
                Duration.ofMillis(50));
        assertThat(version).isPresent();
        Manifest manifest = reader.manifest(DatasetName.of("big.log"), version.get());
        assertThat(manifest.files()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("files/big.log");
            assertThat(f.bytes()).isEqualTo(all.length);
            assertThat(f.sha256()).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(all)));
        });
    }

    private static Catalog catalog() {
        return new Catalog(new EfsLayout(stack.info().efsDir()), new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(10));
    }
}
