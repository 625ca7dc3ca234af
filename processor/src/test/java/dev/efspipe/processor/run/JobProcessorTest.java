package dev.efspipe.processor.run;

import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.job.FailureRecord;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobRecord;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.input.FileInputSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class JobProcessorTest {
    private static final DatasetName DATASET = DatasetName.of("orders");
    private static final String OWNER = "test-owner";

    @TempDir
    Path efsRoot;

    @TempDir
    Path uploads;

    private JobProcessor processor;
    private EfsLayout layout;

    @BeforeEach
    void setUp() {
        processor = new JobProcessor(ProcessorConfig.forEfsRoot(efsRoot), Clock.systemUTC());
        layout = processor.layout();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ordersZip() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            zip.putNextEntry(new ZipEntry("orders.json"));
            zip.write(utf8("[{\"id\":1,\"item\":\"tea\"},{\"id\":2,\"item\":\"cake\"},{\"id\":3,\"item\":\"jam\"}]"));
            zip.putNextEntry(new ZipEntry("docs/readme.txt"));
            zip.write(utf8("three orders\n"));
        }
        return buf.toByteArray();
    }

    private Path upload(String name, byte[] content) throws IOException {
        return Files.write(uploads.resolve(name), content);
    }

    private static Job jobFor(Path file, DatasetName dataset) throws IOException {
        return Job.of(UploadSource.file(file.toString(), "tag", Files.size(file)), dataset, Instant.now());
    }

    private JobOutcome run(Job job, Path file) throws IOException {
        return processor.run(job, new FileInputSource(file), OWNER);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> catalogLines() throws IOException {
        Path journal = layout.catalogJournal();
        return Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8) : List.of();
    }

    /** The staging directories of any attempt at {@code job} ({@code staging/<jobId>.<attempt>}). */
    private List<Path> stagingOf(Job job) throws IOException {
        if (!Files.isDirectory(layout.stagingDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(layout.stagingDir())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(job.id().value())).toList();
        }
    }

    private List<Path> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.toList();
        }
    }

    @Test
    void publishesAZipAsAVersionWithManifestPartsAndFiles() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        Job job = jobFor(file, DATASET);

        JobOutcome outcome = run(job, file);

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        Version version = outcome.manifest().version();
        Path published = layout.version(DATASET, version);
        Manifest manifest = Json.MAPPER.readValue(published.resolve(EfsLayout.MANIFEST).toFile(), Manifest.class);
        assertThat(manifest.jobId()).isEqualTo(job.id());
        assertThat(manifest.records()).isEqualTo(3);
        assertThat(manifest.inputBytes()).isEqualTo(Files.size(file));
        assertThat(manifest.parts()).singleElement().satisfies(part -> {
            byte[] bytes = Files.readAllBytes(published.resolve(part.name()));
            assertThat(new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo("{\"id\":1,\"item\":\"tea\"}\n{\"id\":2,\"item\":\"cake\"}\n{\"id\":3,\"item\":\"jam\"}\n");
            assertThat(part.sha256()).isEqualTo(sha256(bytes));
        });
        assertThat(manifest.files()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("files/docs/readme.txt");
            assertThat(published.resolve(f.name())).hasContent("three orders");
        });
    }

    @Test
    void pointsCurrentAtThePublishedVersion() throws IOException {
        Path file = upload("orders.zip", ordersZip());

        JobOutcome outcome = run(jobFor(file, DATASET), file);

        assertThat(layout.current(DATASET)).hasContent(outcome.manifest().version().value());
    }

    @Test
    void appendsOneCatalogLine() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        Job job = jobFor(file, DATASET);

        JobOutcome outcome = run(job, file);

        assertThat(catalogLines()).singleElement().satisfies(line -> {
            CatalogEntry entry = Json.MAPPER.readValue(line, CatalogEntry.class);
            assertThat(entry.event()).isEqualTo(CatalogEntry.PUBLISH);
            assertThat(entry.dataset()).isEqualTo("orders");
            assertThat(entry.version()).isEqualTo(outcome.manifest().version().value());
            assertThat(entry.jobId()).isEqualTo(job.id().value());
            assertThat(entry.records()).isEqualTo(3);
        });
    }

    @Test
    void removesItsStagingDirectoryAfterPublishing() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        Job job = jobFor(file, DATASET);

        run(job, file);

        assertThat(stagingOf(job)).isEmpty();
    }

    @Test
    void marksTheJobPublished() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        Job job = jobFor(file, DATASET);

        run(job, file);

        JobRecord record = Json.MAPPER.readValue(layout.jobRecord(job.id()).toFile(), JobRecord.class);
        assertThat(record.state()).isEqualTo(JobRecord.State.PUBLISHED);
    }

    @Test
    void treatsTheSameJobRunAgainAsADuplicateAndPublishesNothingNew() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        Job job = jobFor(file, DATASET);
        JobOutcome first = run(job, file);
        List<Path> before = tree(layout.publishedDir());

        JobOutcome second = run(job, file);

        assertThat(second.status()).isEqualTo(JobOutcome.Status.DUPLICATE);
        assertThat(second.manifest()).isEqualTo(first.manifest());
        assertThat(tree(layout.publishedDir())).containsExactlyInAnyOrderElementsOf(before);
        assertThat(catalogLines()).hasSize(1);
    }

    @Test
    void publishesTheSameUploadAgain_underAnotherDatasetAskedForExplicitly() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        JobOutcome asA = run(jobFor(file, DatasetName.of("a")), file);

        JobOutcome asB = run(jobFor(file, DatasetName.of("b")), file);
        JobOutcome asAAgain = run(jobFor(file, DatasetName.of("a")), file);

        assertThat(asA.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(asB.status()).as(asB.detail()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(asB.manifest().dataset()).isEqualTo(DatasetName.of("b"));
        assertThat(asB.manifest().records()).isEqualTo(3);
        assertThat(layout.current(DatasetName.of("b"))).hasContent(asB.manifest().version().value());
        assertThat(asAAgain.status()).isEqualTo(JobOutcome.Status.DUPLICATE);
        assertThat(asAAgain.detail()).startsWith("already published as a/");
        assertThat(catalogLines()).hasSize(2);
    }

    @Test
    void treatsTheSameJobAsADuplicateInAnotherProcessor() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        Job job = jobFor(file, DATASET);
        run(job, file);
        JobProcessor another = new JobProcessor(ProcessorConfig.forEfsRoot(efsRoot), Clock.systemUTC());

        JobOutcome second = another.run(job, new FileInputSource(file), "another-owner");

        assertThat(second.status()).isEqualTo(JobOutcome.Status.DUPLICATE);
        try (Stream<Path> versions = Files.list(layout.dataset(DATASET))) {
            assertThat(versions.filter(Files::isDirectory)).hasSize(1);
        }
    }

    @Test
    void recordsCorruptInputAsFailedWithTheReason() throws IOException {
        Path file = upload("broken.json", utf8("[{\"id\":1},{\"id\":2},{\"id\""));
        Job job = jobFor(file, DatasetName.of("broken"));

        JobOutcome outcome = run(job, file);

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.FAILED);
        Path failed = efsRoot.resolve("failed").resolve(job.id().value().substring(0, 2)).resolve(job.id() + ".json");
        FailureRecord record = Json.MAPPER.readValue(failed.toFile(), FailureRecord.class);
        assertThat(record.jobId()).isEqualTo(job.id());
        assertThat(record.reason()).contains("broken.json", "record 2", "invalid JSON").isEqualTo(outcome.detail());
    }

    @Test
    void escapesAKeyThatForgesALogLineBeforeTheLogAndTheFailureRecord() throws IOException {
        Path file = upload("keys.json", utf8("[{\"id\": 1, \"id\\nINFO: Job x PUBLISHED\": 2, \"id\\nINFO: Job x PUBLISHED\": 3}]"));
        Job job = jobFor(file, DatasetName.of("keys"));
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(JobProcessor.class.getName());
        log.addHandler(capture);
        JobOutcome outcome;
        try {
            outcome = run(job, file);
        } finally {
            log.removeHandler(capture);
        }

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.FAILED);
        assertThat(outcome.detail()).contains("Duplicate field 'id\\u000aINFO: Job x PUBLISHED'").doesNotContain("\n");
        assertThat(logged).filteredOn(line -> line.contains("failed permanently")).singleElement()
                .satisfies(line -> assertThat(line).contains("id\\u000aINFO: Job x PUBLISHED").doesNotContain("\n"));
    }

    @Test
    void leavesNoStagingAndPublishesNothingForCorruptInput() throws IOException {
        Path file = upload("broken.json", utf8("[{\"id\":1},{\"id\":2},{\"id\""));
        Job job = jobFor(file, DatasetName.of("broken"));

        run(job, file);

        assertThat(stagingOf(job)).isEmpty();
        assertThat(layout.publishedDir()).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(),
                p -> assertThat(p).isEmptyDirectory());
        assertThat(catalogLines()).isEmpty();
    }

    @Test
    void treatsAFailedJobRunAgainAsADuplicate() throws IOException {
        Path file = upload("broken.json", utf8("[{\"id\":"));
        Job job = jobFor(file, DatasetName.of("broken"));
        run(job, file);

        JobOutcome again = run(job, file);

        assertThat(again.status()).isEqualTo(JobOutcome.Status.DUPLICATE);
        assertThat(again.detail()).contains("already failed");
    }

    @Test
    void createsFilesWithMode640AndDirectoriesWithMode750() throws IOException {
        Path file = upload("orders.zip", ordersZip());
        JobOutcome outcome = run(jobFor(file, DATASET), file);
        Path published = layout.version(DATASET, outcome.manifest().version());

        for (Path p : tree(published)) {
            String expected = Files.isDirectory(p) ? "rwxr-x---" : "rw-r-----";
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo(expected);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.current(DATASET)))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.catalogJournal()))).isEqualTo("rw-r-----");
    }

    @Test
    void grantsNothingToOthersAnywhereUnderTheEfsRoot() throws IOException {
        Path good = upload("orders.zip", ordersZip());
        Path bad = upload("broken.json", utf8("[{\"id\":"));
        run(jobFor(good, DATASET), good);
        run(jobFor(bad, DatasetName.of("broken")), bad);

        Set<PosixFilePermission> others = Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        for (Path p : tree(efsRoot)) {
            if (p.equals(efsRoot)) {
                continue; // made by the test (the access point's root in Lambda)
            }
            assertThat(Files.getPosixFilePermissions(p)).as("mode of %s", efsRoot.relativize(p)).doesNotContainAnyElementsOf(others);
        }
    }
}
