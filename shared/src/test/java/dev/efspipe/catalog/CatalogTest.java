package dev.efspipe.catalog;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {
    @TempDir
    Path root;

    private EfsLayout layout;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        layout = new EfsLayout(root);
        catalog = new Catalog(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(5));
    }

    private static CatalogEntry entry(int n) {
        return new CatalogEntry(CatalogEntry.PUBLISH, "sales", String.format("20261126T0615%02dZ-3f2a9c0d11be", n % 60),
                "3f2a9c0d11be44556677889900aabbcc", n, 1, 100L * n, "s3://uploads/sales.json",
                Instant.parse("2026-11-26T06:15:00Z").plusSeconds(n), "writer-" + n);
    }

    private void appendRaw(String text) throws IOException {
        Files.write(layout.catalogJournal(), text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }

    @Test
    void shouldReturnNoEntries_whenNothingWasAppended() throws Exception {
        assertThat(catalog.entries()).isEmpty();
    }

    @Test
    void shouldReturnAppendedEntriesInOrder() throws Exception {
        catalog.append(entry(1));
        catalog.append(entry(2));
        catalog.append(entry(3));

        assertThat(catalog.entries()).containsExactly(entry(1), entry(2), entry(3));
    }

    @Test
    void shouldWriteOneLinePerEntry() throws Exception {
        catalog.append(entry(1));
        catalog.append(entry(2));

        assertThat(Files.readAllLines(layout.catalogJournal())).hasSize(2);
    }

    @Test
    void shouldCreateTheJournalWithTheFileMode() throws Exception {
        catalog.append(entry(1));

        assertThat(Files.getPosixFilePermissions(layout.catalogJournal()))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void shouldNotReturnATornTail() throws Exception {
        catalog.append(entry(1));
        catalog.append(entry(2));
        appendRaw("{\"event\":\"publish\",\"dataset\":\"sal"); // a writer killed mid-append

        assertThat(catalog.entries()).containsExactly(entry(1), entry(2));
    }

    @Test
    void shouldCutOffATornTail_beforeTheNextAppend() throws Exception {
        catalog.append(entry(1));
        String committed = Files.readString(layout.catalogJournal());
        appendRaw("{\"event\":\"publish\",\"dataset\":\"sal");

        catalog.append(entry(2));

        String journal = Files.readString(layout.catalogJournal());
        assertThat(journal).startsWith(committed).endsWith("\n").doesNotContain("\"sal{");
        assertThat(catalog.entries()).containsExactly(entry(1), entry(2));
    }

    @Test
    void shouldCutOffATornTailLongerThanOneReadBlock() throws Exception {
        catalog.append(entry(1));
        appendRaw("{\"event\":\"publish\",\"writer\":\"" + "x".repeat(10_000));

        catalog.append(entry(2));

        assertThat(catalog.entries()).containsExactly(entry(1), entry(2));
        assertThat(Files.size(layout.catalogJournal()))
                .isEqualTo(Files.readAllLines(layout.catalogJournal()).stream().mapToLong(l -> l.length() + 1).sum())
                .isLessThan(10_000);
    }

    @Test
    void shouldCutOffATornFirstLine_whenTheJournalHasNoCommittedEntry() throws Exception {
        Files.createDirectories(layout.catalogDir());
        Files.writeString(layout.catalogJournal(), "{\"event\":\"pub");

        catalog.append(entry(1));

        assertThat(catalog.entries()).containsExactly(entry(1));
    }

    @Test
    void shouldNameTheLineNumber_whenACompleteLineIsMalformed() throws Exception {
        catalog.append(entry(1));
        appendRaw("this is not json\n");
        catalog.append(entry(3));

        assertThatThrownBy(() -> catalog.entries())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining(layout.catalogJournal().toString());
    }

    @Test
    void shouldLoseNoEntry_whenThreadsAppendConcurrently() throws Exception {
        int writers = 4;
        int perWriter = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int base = w * perWriter;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        catalog.append(entry(base + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(catalog.entries()).hasSize(writers * perWriter)
                .extracting(CatalogEntry::writer).doesNotHaveDuplicates();
    }
}
