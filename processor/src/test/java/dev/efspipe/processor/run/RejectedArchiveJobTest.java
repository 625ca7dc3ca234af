package dev.efspipe.processor.run;

import dev.efspipe.job.FailureRecord;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobRecord;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.processor.archive.TestArchives;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.input.FileInputSource;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile archive run as a whole job with the default limits: it publishes nothing, leaves no staging
 * directory, and is recorded under {@code failed/} with the reason, which names the limit or the entry.
 */
class RejectedArchiveJobTest {
    @TempDir
    Path efsRoot;

    @TempDir
    Path uploads;

    @TempDir
    Path elsewhere;

    private JobProcessor processor;
    private EfsLayout layout;

    @BeforeEach
    void setUp() {
        processor = new JobProcessor(ProcessorConfig.forEfsRoot(efsRoot), Clock.systemUTC());
        layout = processor.layout();
    }

    private Job jobFor(Path file) throws IOException {
        return Job.of(UploadSource.file(file.toString(), "tag", Files.size(file)),
                DatasetName.fromObjectKey(file.getFileName().toString()), Instant.now());
    }

    private void assertRejectedAndGone(Job job, JobOutcome outcome, String... reason) throws IOException {
        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.FAILED);
        FailureRecord failure = Json.MAPPER.readValue(layout.failedRecord(job.id()).toFile(), FailureRecord.class);
        assertThat(failure.reason()).contains(reason).isEqualTo(outcome.detail());
        assertThat(layout.failedRecord(job.id()))
                .isEqualTo(efsRoot.resolve("failed").resolve(job.id().value().substring(0, 2)).resolve(job.id() + ".json"));
        JobRecord record = Json.MAPPER.readValue(layout.jobRecord(job.id()).toFile(), JobRecord.class);
        assertThat(record.state()).isEqualTo(JobRecord.State.FAILED);
        try (Stream<Path> staging = Files.list(layout.stagingDir())) {
            assertThat(staging).as("no staging directory of any attempt").isEmpty();
        }
        assertThat(layout.dataset(job.dataset())).doesNotExist();
        assertThat(layout.catalogJournal()).doesNotExist();
    }

    @Test
    void recordsAZipBombAsFailedWithTheLimitAndLeavesNothingBehind() throws IOException {
        Path bomb = uploads.resolve("bomb.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bomb)) {
            zip.putArchiveEntry(new ZipArchiveEntry("readme.txt"));
            zip.write(TestArchives.utf8("harmless"));
            zip.closeArchiveEntry();
            zip.putArchiveEntry(new ZipArchiveEntry("zeros.bin"));
            TestArchives.zeros(zip, 24L << 20);
            zip.closeArchiveEntry();
        }
        Job job = jobFor(bomb);

        JobOutcome outcome = processor.run(job, new FileInputSource(bomb), "test-owner");

        // The job's ratio and the entry's cross 200 at about the same byte; either may be the one named.
        assertRejectedAndGone(job, outcome, bomb.toString(), "'zeros.bin'", "a ratio over 200", "ratio = 200, from the default");
    }

    @Test
    void recordsATarThatWritesThroughALinkAsFailedAndWritesNothingOutside() throws IOException {
        Path tar = Files.write(uploads.resolve("links.tar"),
                TestArchives.tar().file("ok.txt", "ok").symlink("out", elsewhere.toString()).file("out/pwned.txt", "pwned").bytes());
        Job job = jobFor(tar);

        JobOutcome outcome = processor.run(job, new FileInputSource(tar), "test-owner");

        assertRejectedAndGone(job, outcome, tar + "!out", "symbolic link");
        assertThat(elsewhere).isEmptyDirectory();
    }
}
