package dev.efspipe.ingest;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The front door, as plain Java: turns upload announcements into jobs on the process queue.
 *
 * <p>An SQS batch is handled message by message: a message whose jobs could not be queued (a transient
 * failure) is reported in the partial batch response and comes back; a message that can never become a
 * job (not JSON, not an upload announcement) is logged and acknowledged, so it is not retried five times;
 * an S3 test event is acknowledged silently. One bad message never fails the batch.
 */
public final class Ingestor {
    private static final Logger LOG = Logger.getLogger(Ingestor.class.getName());
    private static final PojoSerializer<S3Event> S3_EVENTS =
            LambdaEventSerializers.serializerFor(S3Event.class, Ingestor.class.getClassLoader());

    private final JobQueue queue;
    private final UploadAnnouncements announcements;

    public Ingestor(JobQueue queue, Clock clock) {
        this.queue = queue;
        this.announcements = new UploadAnnouncements(clock);
    }

    /** An S3 event delivered to the function directly. A transient failure throws, so Lambda retries the event. */
    public List<Job> handle(S3Event event) throws IOException {
        List<Job> jobs = announcements.jobs(event);
        for (Job job : jobs) {
            queue.send(job);
        }
        return jobs;
    }

    /** An SQS batch from the ingest queue; returns the messages to retry. */
    public SQSBatchResponse handle(SQSEvent event) {
        List<SQSBatchResponse.BatchItemFailure> retry = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            List<Job> jobs;
            try {
                jobs = jobsIn(message);
            } catch (IOException | RuntimeException e) {
                LOG.warning("Message " + message.getMessageId() + " is not an upload announcement and is dropped: " + e.getMessage());
                continue;
            }
            try {
                for (Job job : jobs) {
                    queue.send(job);
                    LOG.info(() -> "Queued job " + job.id() + " for " + job.source().describe() + " -> dataset " + job.dataset());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warning("Message " + message.getMessageId() + " will be retried: " + e.getMessage());
                retry.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(retry);
    }

    private List<Job> jobsIn(SQSEvent.SQSMessage message) throws IOException {
        String body = message.getBody();
        JsonNode tree = Json.MAPPER.readTree(body);
        if (tree == null || !tree.isObject()) {
            throw new IOException("the body is not a JSON object");
        }
        if ("s3:TestEvent".equals(tree.path("Event").asText())) {
            LOG.info(() -> "Acknowledging S3 test event in message " + message.getMessageId());
            return List.of();
        }
        if (tree.has("Records")) {
            return announcements.jobs(S3_EVENTS.fromJson(body));
        }
        throw new IOException("the body has no S3 event Records");
    }
}
