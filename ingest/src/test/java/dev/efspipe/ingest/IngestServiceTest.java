package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.Job;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The front door, fed with events exactly as AWS delivers them, loaded through the Lambda runtime's
 * serializers ({@code aws-lambda-java-tests}), each with its expected jobs or expected no-op.
 */
class IngestServiceTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T07:00:00Z"), ZoneOffset.UTC);
    private final RecordingJobQueue queue = new RecordingJobQueue(job -> job.source().key().equals("queue-is-down.zip"));
    private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    private final IngestRules rules = new IngestRules(List.of(), List.of(), 5_000_000_000L,
            List.of(new IngestRules.PrefixPointer("eb/", "/items")));
    private final IngestService ingestor = new IngestService(queue, deadLetters, rules, clock);

    @Test
    void directS3EventBecomesOneJobWithTheKeyDecodedOnce() throws Exception {
        List<Job> jobs = ingestor.handleDirect(load("events/s3-put.json"));

        assertThat(jobs).singleElement().satisfies(job -> {
            // "+" is a space, "%2B" a plus, "%C3%A9" an é: decoded exactly once.
            assertThat(job.source().key()).isEqualTo("incoming/Sales Report 2026+été.zip");
            assertThat(job.source().bucket()).isEqualTo("example-uploads");
            assertThat(job.source().versionId()).isEqualTo("096fKKXTRTtl3on89fVO.nfljtsv6qko");
            assertThat(job.source().size()).isEqualTo(1024);
            assertThat(job.sequencer()).isEqualTo("0055AED6DCD90281E5");
            assertThat(job.dataset().value()).isEqualTo("sales-report-2026-ete");
            assertThat(job.announcedAt()).isEqualTo(Instant.parse("2026-11-26T06:00:00Z"));
        });
        assertThat(queue.sent).containsExactlyElementsOf(jobs);
    }

    @Test
    void s3EventInsideSqsBecomesAJobOnTheProcessQueue() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-s3-put.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).singleElement().satisfies(job -> {
            assertThat(job.source().key()).isEqualTo("data/orders 2026.json");
            assertThat(job.id()).isEqualTo(UploadSource.s3("example-uploads", "data/orders 2026.json", null,
                    "9b2cf535f27731c974343645a3985328-2", 2048).jobId());
        });
    }

    @Test
    void s3EventInsideSnsInsideSqsBecomesAJob() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-sns-s3.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters.reasons).isEmpty();
        assertThat(queue.sent).singleElement().satisfies(job -> assertThat(job.source().key()).isEqualTo("sns/report 2026.json"));
    }

    @Test
    void eventBridgeObjectCreatedDeliveredDirectlyBecomesAJobWithTheKeyAsIs() throws Exception {
        List<Job> jobs = ingestor.handleDirect(load("events/eventbridge-object-created.json"));

        assertThat(jobs).singleElement().satisfies(job -> {
            assertThat(job.source().key()).isEqualTo("eb/Quarterly Report+v2.zip");
            assertThat(job.source().versionId()).isEqualTo("IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
            assertThat(job.source().eTag()).isEqualTo("b1946ac92492d2347c6235b4d2611184");
            assertThat(job.source().size()).isEqualTo(5576);
            assertThat(job.recordPointer()).as("from the eb/ prefix rule").isEqualTo("/items");
        });
    }

    @Test
    void eventBridgeInsideSqsBecomesTheSameJobAsDirect() throws Exception {
        ingestor.handle(EventLoader.loadSQSEvent("events/sqs-eventbridge.json"));
        List<Job> direct = new IngestService(new RecordingJobQueue(), deadLetters, rules, clock)
                .handleDirect(load("events/eventbridge-object-created.json"));

        assertThat(queue.sent).singleElement().satisfies(job -> assertThat(job.id()).isEqualTo(direct.get(0).id()));
    }

    @Test
    void efsUploadMessageBecomesAnEfsJob() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-efs-upload.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).singleElement().satisfies(job -> {
            assertThat(job.source().scheme()).isEqualTo(UploadSource.Scheme.EFS);
            assertThat(job.source().key()).isEqualTo("orders/2026-11-26 orders.json");
            assertThat(job.source().eTag()).isEqualTo("8c1f0e2a-3b7d-4f7e-9a51-0d7c2b1e6f90");
            assertThat(job.source().size()).isEqualTo(4096);
            assertThat(job.recordPointer()).isEqualTo("/data/items");
            assertThat(job.dataset().value()).isEqualTo("2026-11-26-orders");
        });
    }

    @Test
    void efsUploadMessageChoosesTheJobsTransforms() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-efs-upload-transforms.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).hasSize(2);
        assertThat(queue.sent.get(0).dataset().value()).isEqualTo("orders");
        assertThat(queue.sent.get(0).transforms()).containsExactly(TransformSpec.of("mask-email"),
                TransformSpec.parse("lookup(field=customerId,dataset=customers,key=id,into=customer)"));
        assertThat(queue.sent.get(1).transforms()).as("[] applies none").isEmpty();
        assertThat(deadLetters.reasons).containsOnlyKeys("bad-3", "bad-4", "bad-5");
        assertThat(deadLetters.reasons.get("bad-3")).contains("orders/c.json").contains("transforms must be an array");
        assertThat(deadLetters.reasons.get("bad-4")).contains("Invalid transform name 'Mask Email'");
        assertThat(deadLetters.reasons.get("bad-5")).contains("option field of transform 'lookup' must be a string");
    }

    @Test
    void efsUploadMessageWithoutTransformsLeavesTheChoiceToTheProcessor() {
        ingestor.handle(EventLoader.loadSQSEvent("events/sqs-efs-upload.json"));

        assertThat(queue.sent).singleElement().satisfies(job -> assertThat(job.transforms()).isNull());
    }

    @Test
    void testEventIsAcknowledgedWithoutAJob() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-test-event.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).isEmpty();
        assertThat(deadLetters.reasons).isEmpty();
    }

    @Test
    void objectRemovedInsideSqsIsAcknowledgedWithoutAJob() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-removed.json"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).isEmpty();
        assertThat(deadLetters.reasons).isEmpty();
    }

    @Test
    void removalsAndFolderMarkersDeliveredDirectlyStartNoJob() throws Exception {
        assertThat(ingestor.handleDirect(load("events/s3-removed-and-folder.json"))).isEmpty();
        assertThat(ingestor.handleDirect(load("events/eventbridge-object-deleted.json"))).isEmpty();
        assertThat(queue.sent).isEmpty();
    }

    @Test
    void mixedBatchRetriesOnlyTheTransientFailureAndDeadLettersWhatCanNeverSucceed() {
        SQSBatchResponse response = ingestor.handle(EventLoader.loadSQSEvent("events/sqs-mixed.json"));

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("transient-4");
        assertThat(queue.sent).extracting(j -> j.source().key()).containsExactly("a.zip");
        assertThat(deadLetters.reasons).containsOnlyKeys("not-json-2", "not-s3-3", "too-large-6", "bad-efs-7");
        assertThat(deadLetters.reasons.get("not-json-2")).contains("not JSON");
        assertThat(deadLetters.reasons.get("not-s3-3")).contains("Not an upload announcement").contains("[hello]");
        assertThat(deadLetters.reasons.get("too-large-6")).contains("s3://example-uploads/huge.zip")
                .contains("10000000000000 bytes").contains(IngestRules.MAX_OBJECT_BYTES);
        assertThat(deadLetters.reasons.get("bad-efs-7")).contains("efs-upload path").contains("'..'");
    }

    @Test
    void aDeadLetterQueueThatIsDownMakesTheMessageTransient() {
        IngestService broken = new IngestService(queue, (body, reason, id) -> {
            throw new IOException("dead-letter queue unavailable (test)");
        }, rules, clock);
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-mixed.json");

        SQSBatchResponse response = broken.handle(event);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrder("not-json-2", "not-s3-3", "transient-4", "too-large-6", "bad-efs-7");
    }

    @Test
    void rulesIgnoreKeysOutsideTheAcceptedPrefixesAndSuffixes() {
        IngestService strict = new IngestService(queue, deadLetters,
                new IngestRules(List.of("data/"), List.of(".zip"), 1L << 40, List.of()), clock);

        strict.handle(EventLoader.loadSQSEvent("events/sqs-s3-put.json")); // data/orders 2026.json: wrong suffix

        assertThat(queue.sent).isEmpty();
        assertThat(deadLetters.reasons).isEmpty();
    }

    @Test
    void refusedUploadDeliveredDirectlyThrowsWithTheReason() {
        IngestService tiny = new IngestService(queue, deadLetters, new IngestRules(List.of(), List.of(), 100, List.of()), clock);

        assertThatThrownBy(() -> tiny.handleDirect(load("events/s3-put.json")))
                .isInstanceOf(BadAnnouncementException.class)
                .hasMessageContaining("1024 bytes, over the limit of 100");
    }

    @Test
    void theSameObjectAnnouncedTwiceMapsToOneJobId() throws Exception {
        ingestor.handleDirect(load("events/s3-put.json"));
        ingestor.handleDirect(load("events/s3-put.json"));

        assertThat(queue.sent).hasSize(2);
        assertThat(queue.sent.get(0).id()).isEqualTo(queue.sent.get(1).id());
    }

    @Test
    void anEventTimeThatDoesNotParseIsDeadLetteredWithTheReason() throws Exception {
        String body = Json.MAPPER.writeValueAsString(load("events/s3-put.json")).replace("2026-11-26T06:00:00.000Z", "yesterday");
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("bad-time-1");
        message.setBody(body);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));

        SQSBatchResponse response = ingestor.handle(event);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(queue.sent).isEmpty();
        assertThat(deadLetters.reasons.get("bad-time-1")).contains("eventTime 'yesterday'").contains("ISO-8601");
    }

    /** An event as delivered to the function directly: the raw JSON Lambda hands a stream handler. */
    private static JsonNode load(String resource) throws IOException {
        try (var in = IngestServiceTest.class.getClassLoader().getResourceAsStream(resource)) {
            return Json.MAPPER.readTree(in);
        }
    }
}
