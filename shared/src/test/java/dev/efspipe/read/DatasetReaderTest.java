package dev.efspipe.read;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.JobId;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.publish.AtomicPublisher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetReaderTest {
    private static final DatasetName SALES = DatasetName.of("sales");
    private static final Instant T0 = Instant.parse("2026-11-26T06:15:00Z");
    private static final String PART = "{\"a\":1}\n{\"a\":2}\n";

    @TempDir
    Path root;

    private EfsLayout layout;
    private DurableFiles files;
    private AtomicPublisher publisher;
    private DatasetReader reader;

    @BeforeEach
    void setUp() {
        layout = new EfsLayout(root);
        files = new DurableFiles(Permissions.DEFAULT);
        publisher = new AtomicPublisher(layout, files, new Catalog(layout, files, Duration.ofSeconds(5)),
                Clock.fixed(T0, ZoneOffset.UTC));
        reader = new DatasetReader(root);
    }

    /** Stages and publishes one version of {@code dataset}, as the processor would. */
    private Manifest publish(DatasetName dataset, String eTag, Instant claimedAt) throws IOException {
        UploadSource source = UploadSource.s3("uploads", dataset.value() + ".json", null, eTag, PART.length());
        JobId id = source.jobId();
        Path staging = files.createDirectories(layout.staging(id, 1).resolve("parts")).getParent();
        Files.writeString(staging.resolve("parts/part-00000.ndjson"), PART);
        Manifest manifest = new Manifest(Manifest.SCHEMA, dataset, Version.of(claimedAt, id), id, source, claimedAt,
                2, PART.length(), List.of(new Manifest.Part("parts/part-00000.ndjson", dataset.value() + ".json", 2,
                PART.length(), "ab")), List.of(), Map.of("parse", 1L));
        publisher.writeManifest(staging, manifest);
        publisher.publish(staging, manifest, "test");
        return manifest;
    }

    @Test
    void shouldListNoDatasets_whenNothingWasPublished() throws Exception {
        assertThat(reader.datasets()).isEmpty();
    }

    @Test
    void shouldListOnlyDatasetsWithCurrent_sortedByName() throws Exception {
        publish(DatasetName.of("beta"), "e1", T0);
        publish(DatasetName.of("alpha"), "e2", T0);
        // A dataset directory whose first publish has not reached CURRENT yet, and a hidden leftover.
        Files.createDirectories(layout.publishedDir().resolve("gamma/20261126T061500.000Z-0123456789ab"));
        Files.writeString(layout.publishedDir().resolve("gamma/20261126T061500.000Z-0123456789ab/manifest.json"), "{}");
        Files.createDirectories(layout.publishedDir().resolve(".tmp"));

        assertThat(reader.datasets()).containsExactly(DatasetName.of("alpha"), DatasetName.of("beta"));
    }

    @Test
    void shouldResolveTheCurrentVersion_afterAPublish() throws Exception {
        Manifest m = publish(SALES, "e1", T0);

        assertThat(reader.current(SALES)).contains(m.version());
    }

    @Test
    void shouldHaveNoCurrentVersion_forAnUnknownDataset() throws Exception {
        assertThat(reader.current(DatasetName.of("nope"))).isEmpty();
    }

    @Test
    void shouldListCompleteVersionsOldestFirst() throws Exception {
        Manifest newer = publish(SALES, "e2", T0.plusSeconds(120));
        Manifest older = publish(SALES, "e1", T0);
        // Neither a version directory without a manifest nor a stray file counts as a version.
        Files.createDirectories(layout.dataset(SALES).resolve("20261126T070000.000Z-0123456789ab"));
        Files.writeString(layout.dataset(SALES).resolve(".CURRENT.tmp"), "x");

        assertThat(reader.versions(SALES)).containsExactly(older.version(), newer.version());
        assertThat(reader.current(SALES)).contains(newer.version());
    }

    @Test
    void shouldReadBackThePublishedManifest() throws Exception {
        Manifest m = publish(SALES, "e1", T0);

        assertThat(reader.manifest(SALES, m.version())).isEqualTo(m);
    }

    @Test
    void shouldOpenAFileTheManifestLists() throws Exception {
        Manifest m = publish(SALES, "e1", T0);

        try (InputStream in = reader.open(SALES, m.version(), m.parts().get(0).name())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(PART);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../CURRENT", "../../../../etc/passwd", "parts/../../CURRENT", "/etc/passwd", ".", "", "parts/../.."})
    void shouldRefuseNamesOutsideTheVersion(String name) throws Exception {
        Manifest m = publish(SALES, "e1", T0);

        assertThatThrownBy(() -> reader.open(SALES, m.version(), name).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not inside");
    }

    @Test
    void shouldRefuseToReachIntoAnotherVersion() throws Exception {
        Manifest one = publish(SALES, "e1", T0);
        Manifest two = publish(SALES, "e2", T0.plusSeconds(1));

        assertThatThrownBy(() -> reader.open(SALES, one.version(), "../" + two.version().value() + "/manifest.json").close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not inside");
    }

    @Test
    void shouldReturnAVersionPublishedByAnotherThread_duringTheWait() throws Exception {
        Version before = publish(SALES, "e1", T0).version();
        Thread waiter = Thread.currentThread();
        CompletableFuture<Version> publishedMeanwhile = CompletableFuture.supplyAsync(() -> {
            // Publish only once the reader is parked between two polls, so the version really arrives during the wait.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiter.getState() != Thread.State.TIMED_WAITING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the reader never started waiting");
                }
                Thread.onSpinWait();
            }
            try {
                return publish(SALES, "e2", T0.plusSeconds(60)).version();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        Optional<Version> seen = reader.awaitNewVersion(SALES, Optional.of(before), Duration.ofSeconds(10), Duration.ofMillis(10));

        Version published = publishedMeanwhile.get(10, TimeUnit.SECONDS);
        assertThat(seen).contains(published);
        assertThat(published).isNotEqualTo(before);
    }

    @Test
    void shouldReturnEmpty_afterTheTimeout_whenNothingIsPublished() throws Exception {
        Version before = publish(SALES, "e1", T0).version();
        Duration timeout = Duration.ofMillis(200);
        long start = System.nanoTime();

        Optional<Version> seen = reader.awaitNewVersion(SALES, Optional.of(before), timeout, Duration.ofMillis(20));

        assertThat(seen).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
    }

    @Test
    void shouldReturnEmpty_afterTheTimeout_forADatasetNeverPublished() throws Exception {
        Optional<Version> seen = reader.awaitNewVersion(DatasetName.of("nope"), Optional.empty(),
                Duration.ofMillis(200), Duration.ofMillis(20));

        assertThat(seen).isEmpty();
    }

    @Test
    void shouldReturnTheCurrentVersionAtOnce_whenWaitingForAnyVersion() throws Exception {
        Version v = publish(SALES, "e1", T0).version();

        Optional<Version> seen = reader.awaitNewVersion(SALES, Optional.empty(), Duration.ofSeconds(10), Duration.ofMillis(10));

        assertThat(seen).contains(v);
    }
}
