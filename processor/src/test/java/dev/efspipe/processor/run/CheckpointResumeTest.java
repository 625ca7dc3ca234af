package dev.efspipe.processor.run;

import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.input.FileInputSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job that must stop every few kilobytes (a tiny budget) suspends at checkpoints, resumes in the next
 * run, and publishes output byte for byte identical to a run that was never interrupted.
 */
class CheckpointResumeTest {
    @TempDir
    Path dir;

    @Test
    void jsonDocumentSuspendedRepeatedlyPublishesTheSameBytesAsAnUninterruptedRun() throws Exception {
        Path input = dir.resolve("big.json");
        try (OutputStream out = Files.newOutputStream(input)) {
            out.write('[');
            for (int i = 0; i < 5_000; i++) {
                out.write(((i == 0 ? "" : ",") + "{\"id\":" + i + ",\"name\":\"n" + i + "\",\"v\":[" + i + ",null]}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.write(']');
        }
        assertIdenticalAfterSuspensions(input, 4096, 10_000);
    }

    @Test
    void zipWithJsonAndFilesSuspendedRepeatedlyPublishesTheSameBytes() throws Exception {
        Path input = dir.resolve("mixed.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(input))) {
            for (int e = 0; e < 3; e++) {
                zip.putNextEntry(new ZipEntry("data-" + e + ".json"));
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < 1_000; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"e\":").append(e).append(",\"i\":").append(i).append('}');
                }
                zip.write(sb.append(']').toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("notes/readme-" + e + ".txt"));
                zip.write(("note " + e + "\n").repeat(2_000).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        assertIdenticalAfterSuspensions(input, 2048, 8_000);
    }

    private void assertIdenticalAfterSuspensions(Path input, long partBytes, long suspendAfter) throws IOException {
        Path plainEfs = dir.resolve("plain-efs");
        Path resumedEfs = dir.resolve("resumed-efs");
        Job job = Job.of(UploadSource.file(input.toString(), "t", Files.size(input)),
                DatasetName.of("resume"), Instant.parse("2026-11-26T00:00:00Z"));

        JobOutcome plain = new JobProcessor(ProcessorConfig.forEfsRoot(plainEfs).withPartMaxBytes(partBytes), Clock.systemUTC())
                .run(job, new FileInputSource(input), "plain");
        assertThat(plain.status()).isEqualTo(JobOutcome.Status.PUBLISHED);

        JobProcessor resuming = new JobProcessor(ProcessorConfig.forEfsRoot(resumedEfs).withPartMaxBytes(partBytes), Clock.systemUTC());
        int suspensions = 0;
        JobOutcome outcome;
        do {
            outcome = resuming.run(job, new FileInputSource(input), "invocation-" + suspensions,
                    written -> written >= suspendAfter);
            if (outcome.status() == JobOutcome.Status.SUSPENDED) {
                suspensions++;
                assertThat(Files.list(new EfsLayout(resumedEfs).stagingDir()).toList()).as("one staging dir kept").hasSize(1);
            }
        } while (outcome.status() == JobOutcome.Status.SUSPENDED && suspensions < 1_000);

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(suspensions).as("the budget forced several suspensions").isGreaterThan(3);
        Manifest a = plain.manifest();
        Manifest b = outcome.manifest();
        assertThat(b.records()).isEqualTo(a.records());
        assertThat(b.parts()).isEqualTo(a.parts());
        assertThat(b.files()).isEqualTo(a.files());
        assertThat(b.fields()).isEqualTo(a.fields());
        assertThat(b.invocations()).isEqualTo(suspensions + 1);
        for (Manifest.Part part : a.parts()) {
            Path p1 = new EfsLayout(plainEfs).version(DatasetName.of("resume"), a.version()).resolve(part.name());
            Path p2 = new EfsLayout(resumedEfs).version(DatasetName.of("resume"), b.version()).resolve(part.name());
            assertThat(Files.mismatch(p1, p2)).as(part.name()).isEqualTo(-1L);
        }
        assertThat(Files.exists(new EfsLayout(resumedEfs).version(DatasetName.of("resume"), b.version()).resolve("checkpoint.json")))
                .as("the checkpoint is not published").isFalse();
    }
}
