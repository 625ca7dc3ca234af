package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stream handler tells SQS batches from direct S3 events and answers in Lambda's response shapes. */
class IngestHandlerTest {
    private final RecordingJobQueue queue = new RecordingJobQueue(job -> job.source().key().equals("queue-is-down.zip"));
    private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    private final IngestHandler handler = new IngestHandler(new IngestService(queue, deadLetters, IngestRules.ACCEPT_ALL, Clock.systemUTC()));

    @Test
    void sqsBatchIsAnsweredWithAPartialBatchResponse() throws Exception {
        JsonNode response = invoke("events/sqs-mixed.json");

        assertThat(response.get("batchItemFailures")).hasSize(1);
        assertThat(response.get("batchItemFailures").get(0).get("itemIdentifier").asText()).isEqualTo("transient-4");
    }

    @Test
    void directS3EventIsAnsweredWithTheJobIds() throws Exception {
        JsonNode response = invoke("events/s3-put.json");

        assertThat(response.get("jobs")).hasSize(1);
        assertThat(response.get("jobs").get(0).asText()).isEqualTo(queue.sent.get(0).id().value());
    }

    @Test
    void eventBridgeEventDeliveredDirectlyIsAnsweredWithTheJobIds() throws Exception {
        JsonNode response = invoke("events/eventbridge-object-created.json");

        assertThat(response.get("jobs")).hasSize(1);
        assertThat(queue.sent).singleElement().satisfies(j -> assertThat(j.source().key()).isEqualTo("eb/Quarterly Report+v2.zip"));
    }

    @Test
    void unknownEventShapeIsRefusedWithTheSourceItSaw() {
        assertThatThrownBy(() -> handler.handleRequest(
                new ByteArrayInputStream("{\"Records\":[{\"eventSource\":\"aws:kinesis\"}]}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null))
                .isInstanceOf(BadAnnouncementException.class)
                .hasMessageContaining("aws:kinesis");
    }

    private JsonNode invoke(String resource) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            handler.handleRequest(in, out, null);
        }
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
