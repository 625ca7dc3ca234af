package dev.efspipe.api.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobClaims;
import dev.efspipe.job.JobProgress;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A job's state as the API reports it, from records written by the processor's own claim code. */
class JobStatusTest {
    @TempDir
    Path efs;
    private EfsLayout layout;
    private JobClaims claims;
    private final Job job = Job.of(UploadSource.s3("uploads", "uploads/a.json", null, "etag", 100), DatasetName.of("a"),
            Instant.parse("2026-11-26T06:15:00Z"));

    @BeforeEach
    void setUp() {
        layout = new EfsLayout(efs);
        claims = new JobClaims(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(5), Clock.systemUTC());
    }

    @Test
    void aJobWithoutARecordIsUnknown() throws Exception {
        assertThat(new JobStatus(layout).read(job.id())).isEmpty();
    }

    @Test
    void aClaimedJobIsProcessingWithTheProcessorsProgress() throws Exception {
        claims.claim(job, "p1", Duration.ofMinutes(1));
        claims.updateProgress(job.id(), "p1", JobProgress.of(50, 100, 7, Duration.ofSeconds(1), Instant.now()));

        ObjectNode status = new JobStatus(layout).read(job.id()).orElseThrow();

        assertThat(status.get("state").asText()).isEqualTo("processing");
        assertThat(status.get("dataset").asText()).isEqualTo("a");
        assertThat(status.get("progress").get("bytesRead").asLong()).isEqualTo(50);
        assertThat(status.get("progress").get("records").asLong()).isEqualTo(7);
        assertThat(status.get("reason").isNull()).isTrue();
    }

    @Test
    void aSuspendedJobSaysSo() throws Exception {
        claims.claim(job, "p1", Duration.ofMinutes(1));
        claims.suspend(job.id(), "p1");

        assertThat(new JobStatus(layout).read(job.id()).orElseThrow().get("state").asText()).isEqualTo("suspended");
    }

    @Test
    void aFailedJobCarriesItsReason() throws Exception {
        claims.claim(job, "p1", Duration.ofMinutes(1));
        claims.markFailed(job.id(), "p1", "a.json: invalid JSON at record 2");

        ObjectNode status = new JobStatus(layout).read(job.id()).orElseThrow();

        assertThat(status.get("state").asText()).isEqualTo("failed");
        assertThat(status.get("reason").asText()).isEqualTo("a.json: invalid JSON at record 2");
        assertThat(status.get("progress").isNull()).isTrue();
    }

    @Test
    void aPublishedJobWhoseVersionIsGoneHasNoRecordCount() throws Exception {
        claims.claim(job, "p1", Duration.ofMinutes(1));
        claims.markPublished(job.id(), "p1");

        ObjectNode status = new JobStatus(layout).read(job.id()).orElseThrow();

        assertThat(status.get("state").asText()).isEqualTo("published");
        assertThat(status.get("records").isNull()).isTrue();
        assertThat(status.get("version").asText()).isNotBlank();
    }
}
