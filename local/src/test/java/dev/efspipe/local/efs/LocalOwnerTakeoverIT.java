package dev.efspipe.local.efs;

import dev.efspipe.job.JobRecord;
import dev.efspipe.job.LocalProcess;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.read.DatasetReader;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A killed {@code ./pipeline process} does not block the next run for its lease: the claim names a process of
 * this machine that no longer exists, so the re-run started right after the kill takes it over at once and
 * publishes one complete version. The lease is ten minutes here, so a re-run that waited for it would fail the
 * test's deadline.
 */
class LocalOwnerTakeoverIT {
    private static final DatasetName DATASET = DatasetName.of("killed");
    private static final int RECORDS = 150_000;
    private static final Map<String, String> ENV = Map.of("PIPELINE_LEASE_SECONDS", "600");

    @Test
    void killedLocalRunIsTakenOverAtOnceByTheNextRun(@TempDir Path dir) throws Exception {
        assumeTrue(LocalProcess.current().isPresent(), "no /proc boot id and pid namespace here: local claims keep the lease rule");
        Path efs = dir.resolve("efs");
        Path upload = dir.resolve("killed.zip");
        try (OutputStream file = Files.newOutputStream(upload); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("records.json"));
            DemoArchive.writeOrders(zip, RECORDS, 5);
            zip.closeEntry();
        }

        Process first = process(dir, efs, upload, "first.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!stagingHas(efs, "parts/part-00004.ndjson")) {
            assertThat(first.isAlive()).as("the first run is still running; log:%n%s", log(dir, "first.log")).isTrue();
            assertThat(System.nanoTime()).as("the first run wrote parts within 60 s").isLessThan(deadline);
            Thread.sleep(1);
        }
        first.destroyForcibly(); // SIGKILL
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
        JobRecord held = onlyJobRecord(efs);
        assertThat(held.state()).isEqualTo(JobRecord.State.CLAIMED);
        assertThat(held.leaseUntil()).as("the dead run's lease is still live").isAfter(Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(LocalProcess.parse(held.owner())).as("the owner names its process: %s", held.owner())
                .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(first.pid()));

        Instant rerunAt = Instant.now();
        Process rerun = process(dir, efs, upload, "rerun.log");
        assertThat(rerun.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(rerun.exitValue()).as("the re-run, at once; log:%n%s", log(dir, "rerun.log")).isEqualTo(0);
        assertThat(log(dir, "rerun.log")).contains("PUBLISHED");
        JobRecord done = onlyJobRecord(efs);
        assertThat(done.state()).isEqualTo(JobRecord.State.PUBLISHED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.updatedAt()).as("published long before the lease would have run out").isBefore(held.leaseUntil());
        assertThat(Duration.between(rerunAt, done.updatedAt())).isLessThan(Duration.ofMinutes(2));
        List<Version> versions = PublishedState.assertAllOrNothing(efs, DATASET);
        assertThat(versions).singleElement().isEqualTo(held.version());
        assertThat(new DatasetReader(efs).manifest(DATASET, versions.get(0)).records()).isEqualTo(RECORDS);
        try (Stream<Path> staging = Files.list(new EfsLayout(efs).stagingDir())) {
            assertThat(staging.toList()).as("the dead run's staging directory is gone too").isEmpty();
        }
    }

    private static Process process(Path dir, Path efs, Path upload, String log) throws Exception {
        return ChildJvm.cli(dir.resolve(log), ENV, List.of(), "process", upload.toString(), "--efs", efs.toString(),
                "--dataset", DATASET.value(), "--part-size", "65536");
    }

    private static JobRecord onlyJobRecord(Path efs) throws Exception {
        try (Stream<Path> walk = Files.walk(new EfsLayout(efs).jobsDir())) {
            Path record = walk.filter(p -> p.toString().endsWith(".json")).reduce((a, b) -> {
                throw new AssertionError("more than one job record: " + a + ", " + b);
            }).orElseThrow();
            return Json.MAPPER.readValue(record.toFile(), JobRecord.class);
        }
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
