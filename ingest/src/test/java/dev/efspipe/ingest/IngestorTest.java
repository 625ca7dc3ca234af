package dev.efspipe.ingest;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobId;
import dev.efspipe.job.UploadSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The front door, fed with events exactly as Lambda delivers them (loaded through the runtime's serializers). */
class IngestorTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T07:00:00Z"), ZoneOffset.UTC);

    @Test
    void directS3EventBecomesOneJobWithTheKeyDecodedOnce() throws Exception {
        S3Event event = EventLoader.loadS3Event("events/s3-put.json");
        RecordingJobQueue queue = new RecordingJobQueue();

        List<Job> jobs = new Ingestor(queue, clock).handle(event);

        assertThat(jobs).hasSize(1);
        Job job = jobs.get(0);
        // "+" is a space, "%2B" a plus, "%C3%A9" an é: decoded exactly once.
        assertThat(job.source().key()).isEqualTo("incoming/Sales Report 2026+été.zip");
        assertThat(job.source().bucket()).isEqualTo("example-uploads");
        assertThat(job.source().versionId()).isEqualTo("096fKKXTRTtl3on89fVO.nfljtsv6qko");
        assertThat(job.source().size()).isEqualTo(1024);
        assertThat(job.dataset().value()).isEqualTo("sales-report-2026-ete");
        assertThat(job.announcedAt()).isEqualTo(Instant.parse("2026-11-26T06:00:00Z"));
        assertThat(queue.sent).containsExactly(job);
    }

    @Test
    void s3EventInsideSqsBecomesAJobOnTheProcessQueue() {
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-s3-put.json");
        RecordingJobQueue queue = new RecordingJobQueue();

        SQSBatchResponse response = new Ingestor(queue, clock).handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).singleElement().satisfies(job -> {
            assertThat(job.source().key()).isEqualTo("data/orders 2026.json");
            assertThat(job.source().eTag()).isEqualTo("9b2cf535f27731c974343645a3985328-2");
            assertThat(job.id()).isEqualTo(JobId.of(UploadSource.s3("example-uploads", "data/orders 2026.json", null,
                    "9b2cf535f27731c974343645a3985328-2", 2048)));
        });
    }

    @Test
    void mixedBatchRetriesOnlyTheTransientFailure() {
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-mixed.json");
        RecordingJobQueue queue = new RecordingJobQueue(job -> job.source().key().equals("queue-is-down.zip"));

        SQSBatchResponse response = new Ingestor(queue, clock).handle(event);

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("transient-4");
        assertThat(queue.sent).extracting(j -> j.source().key()).containsExactly("a.zip");
    }

    @Test
    void removalsAndFolderMarkersStartNoJob() throws Exception {
        S3Event event = EventLoader.loadS3Event("events/s3-removed-and-folder.json");
        RecordingJobQueue queue = new RecordingJobQueue();

        List<Job> jobs = new Ingestor(queue, clock).handle(event);

        assertThat(jobs).isEmpty();
        assertThat(queue.sent).isEmpty();
    }

    @Test
    void theSameObjectAnnouncedTwiceMapsToOneJobId() throws Exception {
        RecordingJobQueue queue = new RecordingJobQueue();
        Ingestor ingestor = new Ingestor(queue, clock);

        ingestor.handle(EventLoader.loadS3Event("events/s3-put.json"));
        ingestor.handle(EventLoader.loadS3Event("events/s3-put.json"));

        assertThat(queue.sent).hasSize(2);
        assertThat(queue.sent.get(0).id()).isEqualTo(queue.sent.get(1).id());
    }
}
