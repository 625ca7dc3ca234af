package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.config.Settings;
import dev.efspipe.job.Job;
import dev.efspipe.logging.LogContext;
import dev.efspipe.logging.Logs;
import dev.efspipe.metrics.EmbeddedMetrics;
import dev.efspipe.metrics.PipelineMetrics;
import dev.efspipe.sqs.SqsBatch;
import dev.efspipe.text.Printable;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Each message is counted in the pipeline's metrics ({@link PipelineMetrics}: jobs queued, announcements
 * ignored, rejections by reason, errors), and each job is logged with its id, dataset and key.
 *
 * <p>{@link #fromEnvironment} is the one wiring: the Lambda handler and the local stack both build it there.
 */
public final class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class.getName());

    private final JobQueue queue;
    private final DeadLetters deadLetters;
    private final UploadAnnouncements announcements;
    private final PipelineMetrics metrics;

    /** Without metrics (tests of the announcements and their outcomes). */
    public IngestService(JobQueue queue, DeadLetters deadLetters, IngestRules rules, Clock clock) {
        this(queue, deadLetters, rules, clock, PipelineMetrics.disabled());
    }

    public IngestService(JobQueue queue, DeadLetters deadLetters, IngestRules rules, Clock clock, PipelineMetrics metrics) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.announcements = new UploadAnnouncements(rules, clock);
        this.metrics = metrics;
    }

    /** A function's wiring: configuration from {@code env}, the SQS client built from it. */
    public static IngestService fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, null);
    }

    /** The same with the SQS client given (the local stack's, with its credentials), or null to build it. */
    public static IngestService fromEnvironment(Map<String, String> env, SqsClient given) {
        IngestConfig config = IngestConfig.from(Settings.environment(env));
        Logs.configure(config.telemetry());
        SqsClient sqs = given;
        if (sqs == null) {
            var builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .region(Region.of(config.clients().region()));
            if (config.clients().sqsEndpoint() != null) {
                builder.endpointOverride(config.clients().sqsEndpoint());
            }
            sqs = builder.build();
        }
        Clock clock = Clock.systemUTC();
        return new IngestService(new SqsJobQueue(sqs, config.processQueueUrl()),
                new SqsDeadLetters(sqs, config.deadLetterQueueUrl()), config.rules(), clock,
                PipelineMetrics.from(config.telemetry(), PipelineMetrics.lines(System.err), clock));
    }

    /**
     * An announcement delivered to the function directly (an S3 or EventBridge event). Everything that
     * fails throws, so that Lambda's retry and on-failure destination for asynchronous invocations apply;
     * refused uploads throw {@link BadAnnouncementException}.
     */
    public List<Job> handleDirect(JsonNode event) throws IOException {
        EmbeddedMetrics.Document counts = metrics.document();
        try {
            UploadAnnouncements.Announced announced = announcements.read(event);
            announced.ignored().forEach(reason -> LOG.info(() -> "Ignored: " + Printable.escape(reason)));
            counts.count(PipelineMetrics.ANNOUNCEMENTS_IGNORED, announced.ignored().size());
            for (Job job : announced.jobs()) {
                send(job);
                counts.count(PipelineMetrics.JOBS_QUEUED, 1);
            }
            if (!announced.refused().isEmpty()) {
                rejected("refused", announced.refused().size());
                throw new BadAnnouncementException(String.join("; ", announced.refused()));
            }
            return announced.jobs();
        } catch (BadAnnouncementException e) {
            if (counts.isEmpty()) {
                rejected("malformed", 1); // nothing was read from the event
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            counts.count(PipelineMetrics.INGEST_ERRORS, 1);
            throw e;
        } finally {
            counts.emit();
        }
    }

    /** An SQS batch from the ingest queue; returns the messages to retry. */
    public SQSBatchResponse handle(SQSEvent event) {
        return SqsBatch.process(event, this::handle);
    }

    /** One message of the ingest queue; an {@link IOException} is transient (the message comes back). */
    SqsBatch.Result handle(String messageId, String body) throws IOException {
        EmbeddedMetrics.Document counts = metrics.document();
        try {
            UploadAnnouncements.Announced announced;
            try {
                announced = announcements.read(body);
            } catch (BadAnnouncementException e) {
                deadLetter(messageId, body, e.getMessage());
                rejected("malformed", 1);
                return SqsBatch.Result.ACK;
            }
            announced.ignored().forEach(reason -> LOG.info(() -> "Message " + messageId + " ignored: " + Printable.escape(reason)));
            counts.count(PipelineMetrics.ANNOUNCEMENTS_IGNORED, announced.ignored().size());
            for (Job job : announced.jobs()) {
                send(job);
                counts.count(PipelineMetrics.JOBS_QUEUED, 1);
            }
            if (!announced.refused().isEmpty()) {
                deadLetter(messageId, body, String.join("; ", announced.refused()));
                rejected("refused", announced.refused().size());
            }
            return SqsBatch.Result.ACK;
        } catch (IOException | RuntimeException e) {
            // The message comes back (SqsBatch reports it); counted here, where it happened.
            counts.count(PipelineMetrics.INGEST_ERRORS, 1);
            throw e;
        } finally {
            counts.emit();
        }
    }

    private void send(Job job) throws IOException {
        try (LogContext.Scope scope = LogContext.job(job.id().value(), job.dataset().value(), job.source().key())) {
            queue.send(job);
            LOG.info(() -> "Queued job " + job.id() + " for " + job.source().describe() + " -> dataset " + job.dataset());
        }
    }

    /** Rejections carry their reason as a dimension: malformed (no announcement in the message) or refused. */
    private void rejected(String reason, int count) {
        metrics.document().dimension(PipelineMetrics.REASON, reason).count(PipelineMetrics.INGEST_REJECTIONS, count).emit();
    }

    private void deadLetter(String messageId, String body, String rawReason) throws IOException {
        String reason = Printable.escape(rawReason); // it quotes keys and paths from the announcement
        LOG.warning("Message " + messageId + " can never succeed, dead-lettered: " + reason);
        deadLetters.send(body, reason, messageId);
    }
}
