package dev.efspipe.local.stack;

import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job forced to stop every few hundred kilobytes (the processor's bytes-per-invocation budget) goes
 * through the real queues: each invocation saves a checkpoint and sends a continuation message to the
 * process queue, the next invocation resumes, and the published output is byte for byte the output of a
 * run that was never interrupted.
 */
class ContinuationIT {
    @Test
    void jobStoppedEveryFewHundredKilobytesResumesThroughContinuationMessages(@TempDir Path dir) throws Exception {
        Path zip = DemoArchive.write(dir.resolve("long.zip"), 40_000, 77); // ~3.5 MB of NDJSON output
        long partBytes = 64 * 1024;

        Path referenceEfs = dir.resolve("reference-efs");
        Job reference = Job.of(UploadSource.file(zip.toString(), "ref", Files.size(zip)),
                DatasetName.of("long"), Instant.now());
        JobOutcome uninterrupted = new JobProcessor(ProcessorConfig.forEfsRoot(referenceEfs).withPartMaxBytes(partBytes),
                Clock.systemUTC()).run(reference, new FileInputSource(zip), "reference");
        assertThat(uninterrupted.status()).isEqualTo(JobOutcome.Status.PUBLISHED);

        try (LocalStack stack = LocalStack.start(LocalStack.Options.ephemeral(dir.resolve("stack"))
                .withPartMaxBytes(partBytes).withSuspendAfterBytes(300 * 1024))) {
            long before = stack.batchesHandled("processor");
            stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key("big/long.zip"), zip);

            DatasetReader reader = new DatasetReader(stack.info().efsDir());
            Optional<Version> version = reader.awaitNewVersion(DatasetName.of("long"), Optional.empty(),
                    Duration.ofSeconds(120), Duration.ofMillis(50));
            assertThat(version).isPresent();
            Manifest resumed = reader.manifest(DatasetName.of("long"), version.get());
            Manifest plain = uninterrupted.manifest();

            assertThat(resumed.invocations()).as("continued over several invocations").isGreaterThan(5);
            // The version is visible a moment before the poller counts the batch that published it.
            LocalStack.await(Duration.ofSeconds(30),
                    () -> stack.batchesHandled("processor") - before >= resumed.invocations(), "the last batch to be counted");
            assertThat(stack.batchesHandled("processor") - before).isGreaterThanOrEqualTo(resumed.invocations());
            assertThat(resumed.records()).isEqualTo(40_000);
            assertThat(resumed.parts()).isEqualTo(plain.parts());
            assertThat(resumed.files()).isEqualTo(plain.files());
            for (Manifest.Part part : plain.parts()) {
                Path a = new EfsLayout(referenceEfs).version(DatasetName.of("long"), plain.version()).resolve(part.name());
                Path b = new EfsLayout(stack.info().efsDir()).version(DatasetName.of("long"), version.get()).resolve(part.name());
                assertThat(Files.mismatch(a, b)).as(part.name()).isEqualTo(-1L);
            }
        }
    }
}
