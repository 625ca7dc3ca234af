package dev.efspipe.local.efs;

import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.job.JobRecord;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.local.Await;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * All or nothing, with real processes: the packaged processor ({@code pipeline-local.jar process}) runs
 * on a large zip in a child JVM and is killed with SIGKILL at several points. Each time, a reader sees no
 * new version or a complete one; and re-running the job ends with exactly one complete version, a
 * {@code CURRENT} that names it, one catalog entry, and nothing left in staging.
 */
class CrashSafetyIT {
    private static final int RECORDS = 150_000;
    private static final DatasetName DATASET = DatasetName.of("crash");
    /** Short, so that a re-run may take over the dead processor's claim two seconds after the kill. */
    // big.bin is 96 MiB of constant blocks, about 1000:1 deflated: over the default ratio limits (200), which
    // the processor would rightly take for a bomb.
    private static final Map<String, String> ENV = Map.of("PIPELINE_LEASE_SECONDS", "2",
            "PIPELINE_MAX_ENTRY_RATIO", "5000", "PIPELINE_MAX_TOTAL_RATIO", "5000");

    @TempDir
    static Path shared;
    static Path input;

    enum KillPoint {
        /** While NDJSON part files are being written into staging. */
        DURING_PART_WRITING,
        /** While a large non-JSON entry is being extracted into staging. */
        DURING_EXTRACTION,
        /** After the atomic rename into published/, before CURRENT is replaced. */
        BETWEEN_RENAME_AND_CURRENT,
        /** After CURRENT names the version, before the catalog entry is appended. */
        BETWEEN_CURRENT_AND_CATALOG
    }

    @BeforeAll
    static void bigInput() throws IOException {
        input = shared.resolve("crash.zip");
        try (OutputStream file = Files.newOutputStream(input); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("records.json"));
            DemoArchive.writeOrders(zip, RECORDS, 5);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("blobs/big.bin"));
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 96; i++) {
                Arrays.fill(block, (byte) i);
                zip.write(block);
            }
            zip.closeEntry();
        }
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void killedProcessorLeavesReadersAllOrNothingAndARerunPublishesOnce(KillPoint point, @TempDir Path dir) throws Exception {
        Path efs = dir.resolve("efs");
        Path upload = dir.resolve("crash.zip");
        Files.copy(input, upload, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(upload, FileTime.fromMillis(1_700_000_000_000L));

        Process first = switch (point) {
            case DURING_PART_WRITING -> killWhen(dir, efs, upload, () -> stagingHas(efs, "parts/part-00008.ndjson"));
            case DURING_EXTRACTION -> killWhen(dir, efs, upload, () -> stagingHas(efs, "files/blobs/big.bin"));
            case BETWEEN_RENAME_AND_CURRENT -> crashAt(dir, efs, upload, "afterRename");
            case BETWEEN_CURRENT_AND_CATALOG -> crashAt(dir, efs, upload, "afterCurrent");
        };
        assertThat(first.exitValue()).as("the first run died").isEqualTo(137);

        List<Version> seen = PublishedState.assertAllOrNothing(efs, DATASET);
        switch (point) {
            case DURING_PART_WRITING, DURING_EXTRACTION -> assertThat(seen).as("nothing published yet").isEmpty();
            default -> assertThat(seen).as("the renamed version is complete").hasSize(1);
        }

        rerunUntilPublished(dir, efs, upload);

        List<Version> versions = PublishedState.assertAllOrNothing(efs, DATASET);
        assertThat(versions).hasSize(1);
        assertThat(new DatasetReader(efs).current(DATASET)).contains(versions.get(0));
        assertThat(new DatasetReader(efs).manifest(DATASET, versions.get(0)).records()).isEqualTo(RECORDS);
        assertThat(PublishedState.catalog(efs)).filteredOn(e -> e.event().equals(CatalogEntry.PUBLISH))
                .singleElement().satisfies(e -> assertThat(e.version()).isEqualTo(versions.get(0).value()));
        try (Stream<Path> staging = Files.list(new EfsLayout(efs).stagingDir())) {
            assertThat(staging.toList()).as("no staging left behind").isEmpty();
        }
        try (Stream<Path> records = Files.walk(new EfsLayout(efs).jobsDir())) {
            List<Path> jobs = records.filter(p -> p.toString().endsWith(".json")).toList();
            assertThat(jobs).singleElement().satisfies(p -> assertThat(
                    Json.MAPPER.readValue(p.toFile(), JobRecord.class).state()).isEqualTo(JobRecord.State.PUBLISHED));
        }
    }

    private static Process killWhen(Path dir, Path efs, Path upload, BooleanSupplier condition)
            throws Exception {
        Process p = process(dir, efs, upload, List.of(), "first.log");
        Await.until("kill point reached", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            assertThat(p.isAlive()).as("the processor is still running; log:%n%s", log(dir, "first.log")).isTrue();
            return false;
        });
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
        p.waitFor(30, TimeUnit.SECONDS);
        return p;
    }

    private static Process crashAt(Path dir, Path efs, Path upload, String point) throws Exception {
        Process p = process(dir, efs, upload, List.of("-Defspipe.crashAt=" + point), "first.log");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p;
    }

    private static void rerunUntilPublished(Path dir, Path efs, Path upload) throws Exception {
        AtomicInteger run = new AtomicInteger();
        Await.until("re-run published", Duration.ofSeconds(120), Duration.ZERO, () -> {
            String logName = "rerun-" + run.incrementAndGet() + ".log";
            Process p = process(dir, efs, upload, List.of(), logName);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            // 3: the dead processor's lease has not run out yet; anything else is a failure.
            assertThat(p.exitValue()).as("re-run exit code; log:%n%s", log(dir, logName)).isIn(0, 3);
            return p.exitValue() == 0;
        });
    }

    private static Process process(Path dir, Path efs, Path upload, List<String> jvmArgs, String log) throws IOException {
        return ChildJvm.cli(dir.resolve(log), ENV, jvmArgs, "process", upload.toString(), "--efs", efs.toString(),
                "--dataset", DATASET.value(), "--part-size", "65536");
    }

    private static boolean stagingHas(Path efs, String relative) {
        Path staging = new EfsLayout(efs).stagingDir();
        if (!Files.isDirectory(staging)) {
            return false;
        }
        try (Stream<Path> dirs = Files.list(staging)) {
            return dirs.anyMatch(d -> Files.exists(d.resolve(relative)));
        } catch (IOException e) {
            return false;
        }
    }

    private static String log(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
