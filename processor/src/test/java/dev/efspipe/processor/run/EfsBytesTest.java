package dev.efspipe.processor.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.input.InboxInputSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest records what a job cost the file system (the planner's inputs): the bytes it wrote (parts and
 * files as stored) and the bytes it read from EFS (an inbox input; zero for S3 or a local file), summed over
 * all the invocations of a job that continued from checkpoints.
 */
class EfsBytesTest {
    private static final DatasetName DATASET = DatasetName.of("costs");

    @TempDir
    Path dir;

    private Path document() throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("efs/inbox/web"));
        Path file = inbox.resolve("orders.json");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write('[');
            for (int i = 0; i < 3_000; i++) {
                out.write(((i == 0 ? "" : ",") + "{\"id\":" + i + ",\"item\":\"tea " + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write(']');
        }
        return file;
    }

    private static long writtenByTheVersion(Manifest manifest) {
        return manifest.parts().stream().mapToLong(Manifest.Part::bytes).sum()
                + manifest.files().stream().mapToLong(Manifest.FileEntry::bytes).sum();
    }

    private Job inboxJob(Path file) throws IOException {
        return Job.of(UploadSource.efs("web/orders.json", "upload-1", Files.size(file)), DATASET,
                Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void inboxJobRecordsTheBytesItReadFromEfsAndWroteToIt() throws IOException {
        Path file = document();
        Path efs = dir.resolve("efs");
        JobProcessor processor = new JobProcessor(ProcessorConfig.forEfsRoot(efs).withPartMaxBytes(16_384), Clock.systemUTC());

        JobOutcome outcome = processor.run(inboxJob(file), new InboxInputSource(new EfsLayout(efs).inbox(), "web/orders.json"), "owner");

        Manifest manifest = outcome.manifest();
        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(manifest.parts()).hasSizeGreaterThan(1);
        assertThat(manifest.efsBytesWritten()).isEqualTo(writtenByTheVersion(manifest)).isPositive();
        // The document once, and its first bytes a second time (format detection).
        assertThat(manifest.efsBytesRead()).isBetween(Files.size(file), Files.size(file) + Format.PEEK);
    }

    @Test
    void jobReadingAnotherSourceReadsNothingFromEfs() throws IOException {
        Path file = document();
        Job job = Job.of(UploadSource.file(file.toString(), "t", Files.size(file)), DATASET, Instant.now());

        Manifest manifest = new JobProcessor(ProcessorConfig.forEfsRoot(dir.resolve("other-efs")), Clock.systemUTC())
                .run(job, new FileInputSource(file), "owner").manifest();

        assertThat(manifest.efsBytesRead()).isZero();
        assertThat(manifest.efsBytesWritten()).isEqualTo(writtenByTheVersion(manifest));
    }

    @Test
    void resumedJobSumsItsInvocationsAndCountsItsReReads() throws IOException {
        Path file = document();
        Path efs = dir.resolve("efs");
        JobProcessor processor = new JobProcessor(ProcessorConfig.forEfsRoot(efs).withPartMaxBytes(8_192), Clock.systemUTC());
        Job job = inboxJob(file);

        JobOutcome outcome;
        int invocations = 0;
        do {
            invocations++;
            outcome = processor.run(job, new InboxInputSource(new EfsLayout(efs).inbox(), "web/orders.json"),
                    "invocation-" + invocations, written -> written >= 20_000);
        } while (outcome.status() == JobOutcome.Status.SUSPENDED && invocations < 100);

        Manifest manifest = outcome.manifest();
        assertThat(invocations).as("the budget forced continuations").isGreaterThan(2);
        assertThat(manifest.invocations()).isEqualTo(invocations);
        // Every part was written once, by one invocation or another.
        assertThat(manifest.efsBytesWritten()).isEqualTo(writtenByTheVersion(manifest));
        // Each continuation read the document again up to its checkpoint.
        assertThat(manifest.efsBytesRead()).isGreaterThan(Files.size(file) + Format.PEEK)
                .isLessThanOrEqualTo(invocations * (Files.size(file) + Format.PEEK));
    }
}
