package dev.efspipe.ingest;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import dev.efspipe.text.Printable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The front door, as plain Java: turns upload announcements into jobs on the process queue, and sorts
 * what goes wrong.
 *
 * <p>An SQS batch is handled message by message, and one message never fails the batch:
 * <ul>
 *   <li>jobs are sent to the process queue; a send that fails (the queue unavailable, throttling) is
 *       transient, and the message is reported in the partial batch response so it comes back;</li>
 *   <li>a message that can never become a job (not JSON, not an announcement, a missing field) or that
 *       announces an upload that can never be processed (too large) goes to the dead-letter queue with the
 *       reason, and is acknowledged instead of being retried five times;</li>
 *   <li>test events, removals, folder markers and keys the rules do not accept are acknowledged with a
 *       log line.</li>
 * </ul>
 */
public final class Ingestor {
    private static final Logger LOG = Logger.getLogger(Ingestor.class.getName());
    private static final PojoSerializer<S3Event> S3_EVENTS =
            LambdaEventSerializers.serializerFor(S3Event.class, Ingestor.class.getClassLoader());

    private final JobQueue queue;
    private final DeadLetters deadLetters;
    private final UploadAnnouncements announcements;

    public Ingestor(JobQueue queue, DeadLetters deadLetters, IngestRules rules, Clock clock) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.announcements = new UploadAnnouncements(rules, clock);
    }

    /** An S3 event object (as the runtime deserialises it for a typed handler); see {@link #handleDirect}. */
    public List<Job> handle(S3Event event) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        S3_EVENTS.toJson(event, json);
        return handleDirect(Json.MAPPER.readTree(json.toByteArray()));
    }

    /**
     * An announcement delivered to the function directly (an S3 or EventBridge event). Everything that
     * fails throws, so that Lambda's retry and on-failure destination for asynchronous invocations apply;
     * refused uploads throw {@link BadAnnouncementException}.
     */
    public List<Job> handleDirect(JsonNode event) throws IOException {
        UploadAnnouncements.Outcome outcome = announcements.read(event);
        outcome.ignored().forEach(reason -> LOG.info(() -> "Ignored: " + Printable.escape(reason)));
        for (Job job : outcome.jobs()) {
            send(job);
        }
        if (!outcome.refused().isEmpty()) {
            throw new BadAnnouncementException(String.join("; ", outcome.refused()));
        }
        return outcome.jobs();
    }

    /** An SQS batch from the ingest queue; returns the messages to retry. */
    public SQSBatchResponse handle(SQSEvent event) {
        List<SQSBatchResponse.BatchItemFailure> retry = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                handle(message);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Message " + message.getMessageId() + " will be retried: " + e, e);
                retry.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(retry);
    }

    private void handle(SQSEvent.SQSMessage message) throws IOException {
        UploadAnnouncements.Outcome outcome;
        try {
            outcome = announcements.read(message.getBody());
        } catch (BadAnnouncementException e) {
            deadLetter(message, e.getMessage());
            return;
        }
        outcome.ignored().forEach(reason -> LOG.info(() -> "Message " + message.getMessageId() + " ignored: " + Printable.escape(reason)));
        for (Job job : outcome.jobs()) {
            send(job);
        }
        if (!outcome.refused().isEmpty()) {
            deadLetter(message, String.join("; ", outcome.refused()));
        }
    }

    private void send(Job job) throws IOException {
        queue.send(job);
        LOG.info(() -> "Queued job " + job.id() + " for " + job.source().describe() + " -> dataset " + job.dataset());
    }

    private void deadLetter(SQSEvent.SQSMessage message, String rawReason) throws IOException {
        String reason = Printable.escape(rawReason); // it quotes keys and paths from the announcement
        LOG.warning("Message " + message.getMessageId() + " can never succeed, dead-lettered: " + reason);
        deadLetters.send(message.getBody(), reason, message.getMessageId());
    }
}
