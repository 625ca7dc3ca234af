package dev.efspipe.local.efs;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.local.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No lost update, with real processes: 8 JVMs append 500 catalog entries each at the same time while
 * readers keep reading; afterwards there are exactly 4,000 well-formed entries, every writer's 0..499,
 * and no read ever saw a malformed entry or fewer entries than an earlier read.
 */
class CatalogNoLostUpdateIT {
    private static final int WRITERS = 8;
    private static final int EACH = 500;

    @Test
    void eightProcessesAppendingAtOnceLoseNothing(@TempDir Path dir) throws Exception {
        Path efs = dir.resolve("efs");
        Path gate = dir.resolve("go");
        List<Process> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(ChildJvm.main(CatalogAppenderChild.class, dir.resolve("writer-" + w + ".log"), Map.of(),
                    efs.toString(), "w" + w, Integer.toString(EACH), gate.toString()));
        }
        for (int w = 0; w < WRITERS; w++) {
            Await.untilLogSays(writers.get(w), dir.resolve("writer-" + w + ".log"), "READY", Duration.ofSeconds(60));
        }

        Catalog catalog = new Catalog(new EfsLayout(efs), new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(60));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread t = new Thread(() -> {
                int last = 0;
                try {
                    while (writing.get()) {
                        List<CatalogEntry> seen = catalog.entries(); // throws on a malformed line
                        assertThat(seen.size()).as("entries never disappear").isGreaterThanOrEqualTo(last);
                        last = seen.size();
                        reads.incrementAndGet();
                    }
                } catch (Throwable e) {
                    readFailure.compareAndSet(null, e);
                }
            });
            t.start();
            readers.add(t);
        }

        Files.createFile(gate);
        for (int w = 0; w < WRITERS; w++) {
            assertThat(writers.get(w).waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(writers.get(w).exitValue()).as(Files.readString(dir.resolve("writer-" + w + ".log"))).isZero();
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }

        assertThat(readFailure.get()).as("a concurrent read failed").isNull();
        assertThat(reads.get()).as("readers ran while writers wrote").isPositive();
        List<CatalogEntry> all = catalog.entries();
        assertThat(all).hasSize(WRITERS * EACH);
        Set<String> distinct = new HashSet<>();
        all.forEach(e -> distinct.add(e.writer() + "/" + e.records()));
        assertThat(distinct).hasSize(WRITERS * EACH);
        for (int w = 0; w < WRITERS; w++) {
            String writer = "w" + w;
            assertThat(all).filteredOn(e -> e.writer().equals(writer)).extracting(CatalogEntry::records)
                    .as("writer %s's entries in its own order", writer)
                    .containsExactlyElementsOf(LongStream.range(0, EACH).boxed().toList());
        }
    }
}
