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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicPublisherTest {
    private static final DatasetName SALES = DatasetName.of("sales");
    private static final UploadSource SOURCE = UploadSource.s3("uploads", "2024/sales.json", null, "etag-1", 64);
    private static final UploadSource LATER_SOURCE = UploadSource.s3("uploads", "2024/sales.json", null, "etag-2", 64);
    private static final Instant T0 = Instant.parse("2026-11-26T06:15:00Z");
    private static final String PART = "{\"a\":1}\n{\"a\":2}\n";

    @TempDir
    Path root;

    private EfsLayout layout;
    private DurableFiles files;
    private Catalog catalog;
    private AtomicPublisher publisher;

    @BeforeEach
    void setUp() {
        layout = new EfsLayout(root);
        files = new DurableFiles(Permissions.DEFAULT);
        catalog = new Catalog(layout, files, Duration.ofSeconds(5));
        publisher = new AtomicPublisher(layout, files, catalog, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
    }

    /** Writes a job's output into its staging directory the way the processor does: parts first, manifest last. */
    private Manifest stage(UploadSource source, Instant claimedAt, boolean withManifest) throws IOException {
        JobId id = source.jobId();
        Path staging = files.createDirectories(layout.staging(id, 1));
        files.createDirectories(staging.resolve("parts"));
        Files.writeString(staging.resolve("parts/part-00000.ndjson"), PART);
        Manifest manifest = new Manifest(Manifest.SCHEMA, SALES, Version.of(claimedAt, id), id, source, claimedAt,
                2, source.size(), List.of(new Manifest.Part("parts/part-00000.ndjson", "sales.json", 2, PART.length(), "00")),
                List.of(new Manifest.FileEntry("files/readme.txt", 5, "11")), Map.of("parse", 3L));
        if (withManifest) {
            publisher.writeManifest(staging, manifest);
        }
        return manifest;
    }

    private Path staging(Manifest m) {
        return layout.staging(m.jobId(), 1);
    }

    private String current() throws IOException {
        return Files.readString(layout.current(SALES)).trim();
    }

    @Test
    void shouldMoveStagingToThePublishedVersionDirectory() throws Exception {
        Manifest m = stage(SOURCE, T0, true);

        Path published = publisher.publish(staging(m), m, "proc-a");

        assertThat(published).isEqualTo(root.resolve("published/sales/" + m.version().value()));
        assertThat(staging(m)).doesNotExist();
        assertThat(published.resolve("parts/part-00000.ndjson")).hasContent(PART.strip());
        assertThat(published.resolve(EfsLayout.MANIFEST)).isRegularFile();
    }

    @Test
    void shouldWriteCurrentNamingTheVersion() throws Exception {
        Manifest m = stage(SOURCE, T0, true);

        publisher.publish(staging(m), m, "proc-a");

        assertThat(Files.readString(layout.current(SALES))).isEqualTo(m.version().value() + "\n");
    }

    @Test
    void shouldAppendOneCatalogEntry() throws Exception {
        Manifest m = stage(SOURCE, T0, true);

        publisher.publish(staging(m), m, "proc-a");

        assertThat(catalog.entries()).singleElement().satisfies(e -> {
            assertThat(e.event()).isEqualTo(CatalogEntry.PUBLISH);
            assertThat(e.dataset()).isEqualTo("sales");
            assertThat(e.version()).isEqualTo(m.version().value());
            assertThat(e.jobId()).isEqualTo(m.jobId().value());
            assertThat(e.records()).isEqualTo(2);
            assertThat(e.parts()).isEqualTo(1);
            assertThat(e.bytes()).isEqualTo(PART.length() + 5);
            assertThat(e.source()).isEqualTo("s3://uploads/2024/sales.json");
            assertThat(e.writer()).isEqualTo("proc-a");
            assertThat(e.at()).isEqualTo(T0.plusSeconds(60));
        });
    }

    @Test
    void shouldNotAppendASecondEntry_whenReRunAfterTheRename() throws Exception {
        Manifest m = stage(SOURCE, T0, true);
        Path first = publisher.publish(staging(m), m, "proc-a");

        Path again = publisher.publish(staging(m), m, "proc-b"); // staging is gone: the rename already happened

        assertThat(again).isEqualTo(first);
        assertThat(catalog.entries()).hasSize(1);
        assertThat(current()).isEqualTo(m.version().value());
    }

    @Test
    void shouldFinishCurrentAndCatalog_whenACrashFollowedTheRename() throws Exception {
        Manifest m = stage(SOURCE, T0, true);
        files.createDirectories(layout.dataset(SALES));
        files.moveAtomically(staging(m), layout.version(SALES, m.version()), false); // the killed run got this far

        publisher.publish(staging(m), m, "proc-b");

        assertThat(current()).isEqualTo(m.version().value());
        assertThat(catalog.entries()).singleElement().extracting(CatalogEntry::version).isEqualTo(m.version().value());
    }

    @Test
    void shouldRefuseAndPublishNothing_whenStagingHasNoManifest() throws Exception {
        Manifest m = stage(SOURCE, T0, false);

        assertThatThrownBy(() -> publisher.publish(staging(m), m, "proc-a"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(EfsLayout.MANIFEST)
                .hasMessageContaining(staging(m).toString());
        assertThat(layout.version(SALES, m.version())).doesNotExist();
        assertThat(layout.current(SALES)).doesNotExist();
        assertThat(catalog.entries()).isEmpty();
        assertThat(staging(m).resolve("parts/part-00000.ndjson")).exists();
    }

    @Test
    void shouldNotMoveCurrentBack_whenAnOlderVersionIsPublishedAfterANewerOne() throws Exception {
        Manifest older = stage(SOURCE, T0, true);
        Manifest newer = stage(LATER_SOURCE, T0.plus(Duration.ofMinutes(5)), true);

        publisher.publish(staging(newer), newer, "proc-a");
        publisher.publish(staging(older), older, "proc-b");

        assertThat(current()).isEqualTo(newer.version().value());
        assertThat(layout.version(SALES, older.version()).resolve(EfsLayout.MANIFEST)).isRegularFile();
        assertThat(catalog.entries()).extracting(CatalogEntry::version)
                .containsExactly(newer.version().value(), older.version().value());
    }

    @Test
    void shouldMoveCurrentForward_whenANewerVersionIsPublished() throws Exception {
        Manifest older = stage(SOURCE, T0, true);
        Manifest newer = stage(LATER_SOURCE, T0.plus(Duration.ofMinutes(5)), true);

        publisher.publish(staging(older), older, "proc-a");
        publisher.publish(staging(newer), newer, "proc-b");

        assertThat(current()).isEqualTo(newer.version().value());
    }

    @Test
    void shouldLeaveNoTemporaryFilesNextToCurrent() throws Exception {
        Manifest m = stage(SOURCE, T0, true);

        publisher.publish(staging(m), m, "proc-a");

        try (var listing = Files.list(layout.dataset(SALES))) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(EfsLayout.CURRENT, m.version().value());
        }
    }
}
