package dev.efspipe.publish;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.JobId;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AtomicPublisher#unpublish}: {@code CURRENT} moves back to the newest remaining version, the version
 * leaves {@code published/} in one rename (a reader never sees it half deleted), the catalog records the
 * event, and nothing is left in {@code trash/}.
 */
class UnpublishTest {
    private static final DatasetName SALES = DatasetName.of("sales");
    private static final DatasetName ORDERS = DatasetName.of("orders");
    private static final Instant T0 = Instant.parse("2026-11-26T06:15:00Z");
    private static final Instant UNPUBLISHED_AT = T0.plus(Duration.ofHours(1));
    private static final String PART = "{\"a\":1}\n{\"a\":2}\n";

    @TempDir
    Path root;

    private EfsLayout layout;
    private DurableFiles files;
    private Catalog catalog;
    private AtomicPublisher publisher;
    private DatasetReader reader;

    @BeforeEach
    void setUp() {
        layout = new EfsLayout(root);
        files = new DurableFiles(Permissions.DEFAULT);
        catalog = new Catalog(layout, files, Duration.ofSeconds(5));
        publisher = new AtomicPublisher(layout, files, catalog, Clock.fixed(UNPUBLISHED_AT, ZoneOffset.UTC));
        reader = new DatasetReader(root);
    }

    /** Stages and publishes a version with {@code parts} part files and one extracted file, as the processor would. */
    private Version publish(DatasetName dataset, int upload, int parts) throws IOException {
        UploadSource source = UploadSource.s3("uploads", dataset.value() + ".json", null, "etag-" + upload, PART.length());
        JobId id = source.jobId();
        Instant claimedAt = T0.plus(Duration.ofMinutes(upload));
        Path staging = files.createDirectories(layout.staging(id, 1));
        files.createDirectories(staging.resolve("parts"));
        files.createDirectories(staging.resolve("files"));
        List<Manifest.Part> listed = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            String name = String.format("parts/part-%05d.ndjson", i);
            Files.writeString(staging.resolve(name), PART);
            listed.add(new Manifest.Part(name, dataset.value() + ".json", 2, PART.length(), "00"));
        }
        Files.writeString(staging.resolve("files/readme.txt"), "hello");
        Manifest manifest = new Manifest(Manifest.SCHEMA, dataset, Version.of(claimedAt, id), id, source, claimedAt,
                2L * parts, PART.length(), listed, List.of(new Manifest.FileEntry("files/readme.txt", 5, "11")), Map.of());
        publisher.writeManifest(staging, manifest);
        publisher.publish(staging, manifest, "proc-a");
        return manifest.version();
    }

    private Version publish(DatasetName dataset, int upload) throws IOException {
        return publish(dataset, upload, 1);
    }

    private List<CatalogEntry> unpublishEntries() throws IOException {
        return catalog.entries().stream().filter(e -> e.event().equals(CatalogEntry.UNPUBLISH)).toList();
    }

    /** Every file and directory under the root with the content of each file, to show that nothing changed. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                tree.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Files.readString(p) : "<dir>");
            }
        }
        return tree;
    }

    private void assertTrashIsEmpty() throws IOException {
        if (Files.exists(layout.trashDir())) {
            try (Stream<Path> left = Files.list(layout.trashDir())) {
                assertThat(left).as("left in %s", layout.trashDir()).isEmpty();
            }
        }
    }

    @Test
    void shouldMoveCurrentToTheNewestRemainingVersion_whenTheCurrentVersionIsUnpublished() throws Exception {
        Version oldest = publish(SALES, 1);
        Version middle = publish(SALES, 2);
        Version newest = publish(SALES, 3);

        boolean removed = publisher.unpublish(SALES, Optional.of(newest), "cli/1");

        assertThat(removed).isTrue();
        assertThat(reader.current(SALES)).contains(middle);
        assertThat(reader.versions(SALES)).containsExactly(oldest, middle);
        assertThat(layout.version(SALES, newest)).doesNotExist();
    }

    @Test
    void shouldLeaveCurrentAlone_whenAnOlderVersionIsUnpublished() throws Exception {
        Version older = publish(SALES, 1);
        Version newer = publish(SALES, 2);

        publisher.unpublish(SALES, Optional.of(older), "cli/1");

        assertThat(Files.readString(layout.current(SALES))).isEqualTo(newer.value() + "\n");
        assertThat(reader.versions(SALES)).containsExactly(newer);
        assertThat(layout.version(SALES, older)).doesNotExist();
    }

    @Test
    void shouldAppendOneUnpublishEntry_whenAVersionIsUnpublished() throws Exception {
        publish(SALES, 1);
        Version newest = publish(SALES, 2);

        publisher.unpublish(SALES, Optional.of(newest), "cli/1");

        assertThat(catalog.entries()).hasSize(3);
        assertThat(unpublishEntries()).singleElement().satisfies(e -> {
            assertThat(e.dataset()).isEqualTo("sales");
            assertThat(e.version()).isEqualTo(newest.value());
            assertThat(e.writer()).isEqualTo("cli/1");
            assertThat(e.at()).isEqualTo(UNPUBLISHED_AT);
        });
    }

    @Test
    void shouldRemoveCurrentAndTheDatasetFromTheListing_whenTheOnlyVersionIsUnpublished() throws Exception {
        Version only = publish(SALES, 1);
        publish(ORDERS, 1);

        publisher.unpublish(SALES, Optional.of(only), "cli/1");

        assertThat(layout.current(SALES)).doesNotExist();
        assertThat(layout.version(SALES, only)).doesNotExist();
        assertThat(reader.current(SALES)).isEmpty();
        assertThat(reader.datasets()).containsExactly(ORDERS);
    }

    @Test
    void shouldRemoveTheDatasetDirectoryAndRecordEachVersion_whenAWholeDatasetIsUnpublished() throws Exception {
        Version older = publish(SALES, 1);
        Version newer = publish(SALES, 2);
        Version otherDataset = publish(ORDERS, 1);

        boolean removed = publisher.unpublish(SALES, Optional.empty(), "cli/1");

        assertThat(removed).isTrue();
        assertThat(layout.dataset(SALES)).doesNotExist();
        assertThat(reader.datasets()).containsExactly(ORDERS);
        assertThat(reader.current(ORDERS)).contains(otherDataset);
        assertThat(unpublishEntries()).extracting(CatalogEntry::dataset, CatalogEntry::version)
                .containsExactlyInAnyOrder(
                        Tuple.tuple("sales", older.value()),
                        Tuple.tuple("sales", newer.value()));
    }

    @Test
    void shouldReturnFalseAndChangeNothing_whenTheVersionWasNotPublished() throws Exception {
        publish(SALES, 1);
        Version neverPublished = Version.of(T0.plus(Duration.ofDays(1)), UploadSource.s3("uploads", "x.json", null, "e", 1).jobId());
        Map<String, String> before = snapshot();

        boolean removed = publisher.unpublish(SALES, Optional.of(neverPublished), "cli/1");

        assertThat(removed).isFalse();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void shouldReturnFalseAndChangeNothing_whenTheDatasetWasNotPublished() throws Exception {
        publish(SALES, 1);
        Map<String, String> before = snapshot();

        boolean removed = publisher.unpublish(ORDERS, Optional.empty(), "cli/1");

        assertThat(removed).isFalse();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void shouldLeaveNothingInTrash_afterUnpublishingAVersionAndADataset() throws Exception {
        Version sales = publish(SALES, 1, 5);
        publish(SALES, 2, 5);
        publish(ORDERS, 1, 5);

        publisher.unpublish(SALES, Optional.of(sales), "cli/1");
        assertTrashIsEmpty();
        publisher.unpublish(ORDERS, Optional.empty(), "cli/1");
        assertTrashIsEmpty();
    }

    /**
     * While versions are unpublished one after another, a reader lists the versions again and again and,
     * for each, reads the manifest and checks that every file it lists is there. A version that vanishes
     * between two of those steps is what a reader may legitimately see (it re-resolves {@code CURRENT});
     * a version directory that is still there but lacks its manifest or a file is a half-deleted one,
     * which must never be visible under {@code published/}. Many parts per version keep a deletion in
     * place slow enough for the reader to catch it, were the directory not renamed out first.
     */
    @Test
    void shouldNeverShowAReaderAPartlyDeletedVersion_whileVersionsAreUnpublished() throws Exception {
        List<Version> versions = new ArrayList<>();
        for (int upload = 1; upload <= 5; upload++) {
            versions.add(publish(SALES, upload, 200));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger completeChecks = new AtomicInteger();
        AtomicInteger vanished = new AtomicInteger();
        AtomicReference<CountDownLatch> nextCheck = new AtomicReference<>(new CountDownLatch(1));
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

        CompletableFuture<Void> readerThread = CompletableFuture.runAsync(() -> {
            try {
                while (!done.get()) {
                    for (Version v : reader.versions(SALES)) {
                        Path dir = layout.version(SALES, v);
                        Manifest manifest;
                        try {
                            manifest = reader.manifest(SALES, v);
                        } catch (IOException e) {
                            // Checked after the failure: a directory present now was present then.
                            if (Files.isDirectory(dir)) {
                                violations.add(dir + " is there but its manifest cannot be read: " + e);
                            } else {
                                vanished.incrementAndGet();
                            }
                            continue;
                        }
                        boolean whole = true;
                        for (String name : Stream.concat(manifest.parts().stream().map(Manifest.Part::name),
                                manifest.files().stream().map(Manifest.FileEntry::name)).toList()) {
                            if (!Files.exists(dir.resolve(name))) {
                                whole = false;
                                if (Files.isDirectory(dir)) {
                                    violations.add(dir + " is there with its manifest but without " + name);
                                } else {
                                    vanished.incrementAndGet();
                                }
                                break;
                            }
                        }
                        if (whole) {
                            completeChecks.incrementAndGet();
                            nextCheck.get().countDown();
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> new Thread(runnable, "reader").start());

        try {
            // Newest first, so that CURRENT moves back each time, as well as the directory going.
            for (Version v : versions.stream().sorted(Comparator.reverseOrder()).toList()) {
                CountDownLatch sawAWholeVersion = new CountDownLatch(1);
                nextCheck.set(sawAWholeVersion);
                assertThat(sawAWholeVersion.await(30, TimeUnit.SECONDS)).as("the reader checked a whole version").isTrue();

                assertThat(publisher.unpublish(SALES, Optional.of(v), "cli/1")).isTrue();
            }
        } finally {
            done.set(true);
        }
        readerThread.get(30, TimeUnit.SECONDS);

        assertThat(violations).as("half-deleted versions a reader saw (%d whole checks, %d vanished mid-check)",
                completeChecks.get(), vanished.get()).isEmpty();
        assertThat(reader.versions(SALES)).isEmpty();
        assertThat(layout.current(SALES)).doesNotExist();
        assertThat(unpublishEntries()).hasSize(versions.size());
        assertTrashIsEmpty();
    }
}
