package dev.efspipe.processor;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.efspipe.job.FailureRecord;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobRecord;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processor Lambda fed with SQS events as the Lambda runtime delivers them (loaded through its own
 * serializers by {@link EventLoader}). Every job in the fixtures reads an {@code efs} source, so no S3
 * call is made: the S3 client points at a port where nothing listens, and any call would fail the job.
 */
class ProcessorHandlerTest {
    /** process-batch.json: a good job, a body that is not a job, a job whose input is corrupt. */
    private static final String BATCH = "events/process-batch.json";
    private static final String GOOD_MESSAGE = "4d9a1c2e-6b1f-4f0e-9a57-2b8e0f3c1a01";
    private static final String CORRUPT_MESSAGE = "c1b2a3d4-e5f6-4a7b-8c9d-0e1f2a3b4c03";
    /** process-missing-inbox-file.json: one job whose inbox file does not exist. */
    private static final String MISSING = "events/process-missing-inbox-file.json";
    private static final String MISSING_MESSAGE = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c04";

    @TempDir
    Path efsRoot;

    private S3Client s3;
    private ProcessorHandler handler;
    private EfsLayout layout;

    @BeforeEach
    void setUp() throws IOException {
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        handler = new ProcessorHandler(new ProcessorService(ProcessorConfig.forEfsRoot(efsRoot), s3, null, Clock.systemUTC()));
        layout = new EfsLayout(efsRoot);
        // What the web app wrote into the inbox; the sizes are those the fixtures announce.
        writeInbox("uploads/orders.json", "[{\"item\":\"tea\"},{\"item\":\"jam\"}]");
        writeInbox("uploads/broken.json", "[{\"id\":1},{\"id");
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private void writeInbox(String key, String content) throws IOException {
        Path file = layout.inbox().resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static Job job(SQSEvent event, String messageId) throws IOException {
        SQSEvent.SQSMessage message = event.getRecords().stream()
                .filter(m -> m.getMessageId().equals(messageId))
                .findFirst()
                .orElseThrow();
        // The Job constructor checks that the id is the one derived from the source.
        return Json.MAPPER.readValue(message.getBody(), Job.class);
    }

    @Test
    void loadsTheFixturesWithJobsThatMatchTheirInboxFiles() throws IOException {
        SQSEvent batch = EventLoader.loadSQSEvent(BATCH);

        assertThat(batch.getRecords()).extracting(SQSEvent.SQSMessage::getEventSource).containsOnly("aws:sqs");
        for (String id : new String[] {GOOD_MESSAGE, CORRUPT_MESSAGE}) {
            Job job = job(batch, id);
            assertThat(job.source().scheme()).isEqualTo(UploadSource.Scheme.EFS);
            assertThat(Files.size(layout.inbox().resolve(job.source().key()))).isEqualTo(job.source().size());
        }
    }

    @Test
    void acknowledgesEveryMessageOfABatchWithAGoodJobABadBodyAndACorruptInput() {
        SQSBatchResponse response = handler.handleRequest(EventLoader.loadSQSEvent(BATCH), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @Test
    void publishesTheGoodJobOfABatch() throws IOException {
        handler.handleRequest(EventLoader.loadSQSEvent(BATCH), null);

        DatasetReader reader = new DatasetReader(efsRoot);
        DatasetName orders = DatasetName.of("orders");
        assertThat(reader.current(orders)).isPresent();
        assertThat(reader.manifest(orders, reader.current(orders).orElseThrow()).records()).isEqualTo(2);
    }

    @Test
    void recordsTheCorruptInputOfABatchAsFailed() throws IOException {
        SQSEvent batch = EventLoader.loadSQSEvent(BATCH);
        Job corrupt = job(batch, CORRUPT_MESSAGE);

        handler.handleRequest(batch, null);

        FailureRecord failure = Json.MAPPER.readValue(layout.failedRecord(corrupt.id()).toFile(), FailureRecord.class);
        assertThat(failure.reason()).contains("broken.json", "invalid JSON");
        assertThat(layout.dataset(corrupt.dataset())).doesNotExist();
    }

    @Test
    void dropsABodyThatIsNotAJobWithoutRecordingIt() throws IOException {
        handler.handleRequest(EventLoader.loadSQSEvent(BATCH), null);

        try (var jobs = Files.walk(layout.jobsDir())) {
            assertThat(jobs.filter(p -> p.getFileName().toString().endsWith(".json")))
                    .as("one job record per job message, none for the bad body")
                    .hasSize(2);
        }
        try (var failed = Files.walk(layout.failedDir())) {
            assertThat(failed.filter(Files::isRegularFile)).as("only the corrupt input is a failed job").hasSize(1);
        }
    }

    @Test
    void returnsAJobWhoseInboxFileIsMissingForRetry() {
        SQSBatchResponse response = handler.handleRequest(EventLoader.loadSQSEvent(MISSING), null);

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(MISSING_MESSAGE);
    }

    @Test
    void neitherFailsNorHoldsAJobWhoseInboxFileIsMissing() throws IOException {
        SQSEvent event = EventLoader.loadSQSEvent(MISSING);
        Job missing = job(event, MISSING_MESSAGE);

        handler.handleRequest(event, null);

        assertThat(layout.failedRecord(missing.id())).doesNotExist();
        try (var staging = Files.list(layout.stagingDir())) {
            assertThat(staging.filter(d -> d.getFileName().toString().startsWith(missing.id().value()))).isEmpty();
        }
        JobRecord record = Json.MAPPER.readValue(layout.jobRecord(missing.id()).toFile(), JobRecord.class);
        assertThat(record.state()).isEqualTo(JobRecord.State.CLAIMED);
        assertThat(record.leaseUntil()).as("the claim is released so the retry need not wait").isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void publishesAJobOnceItsInboxFileHasArrived() throws IOException {
        SQSEvent event = EventLoader.loadSQSEvent(MISSING);
        handler.handleRequest(event, null);
        writeInbox("uploads/missing.json", "[{\"late\":1},{\"n\":2}]");

        SQSBatchResponse retry = handler.handleRequest(EventLoader.loadSQSEvent(MISSING), null);

        assertThat(retry.getBatchItemFailures()).isEmpty();
        assertThat(new DatasetReader(efsRoot).current(DatasetName.of("missing"))).isPresent();
    }

    @Test
    void aJobForALocalFileIsDroppedNotRetried() throws IOException {
        Job local = Job.of(UploadSource.file("/home/someone/data.json", "t", 10),
                DatasetName.of("data"), Instant.now());
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("local-file-1");
        message.setBody(Json.MAPPER.writeValueAsString(local));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));

        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(layout.jobRecord(local.id())).doesNotExist();
    }
}
