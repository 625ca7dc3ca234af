package dev.efspipe.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.efspipe.config.PipelineConfig;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import dev.efspipe.processor.archive.EntryNames;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.input.S3InputSource;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The processor Lambda: one job per SQS message from the process queue. An adapter: it parses each
 * message into a {@link Job}, hands it to {@link JobProcessor}, and reports the messages that must come
 * back (transient failures) as a partial batch response. Published jobs, duplicates, jobs another
 * processor is working on, and permanent failures (recorded on EFS) are acknowledged.
 */
public final class ProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = Logger.getLogger(ProcessorHandler.class.getName());
    /** Distinguishes this execution environment's claims from those of every other. */
    private static final String ENVIRONMENT = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

    private final JobProcessor processor;
    private final S3Client s3;

    /** Used by the Lambda runtime: configuration from the environment, clients built once per environment. */
    public ProcessorHandler() {
        this(PipelineConfig.fromEnvironment(System.getenv()), null);
    }

    /** Used by tests and the local stack; {@code s3} may be null to build one from the configuration. */
    public ProcessorHandler(PipelineConfig config, S3Client s3) {
        this.processor = new JobProcessor(config, Clock.systemUTC());
        this.s3 = s3 != null ? s3 : s3Client(config);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> retry = new ArrayList<>();
        String owner = ENVIRONMENT + "/" + (context == null ? "local" : context.getAwsRequestId());
        processor.sweepStagingEvery(SWEEP_INTERVAL);
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            Job job;
            try {
                job = Json.MAPPER.readValue(message.getBody(), Job.class);
            } catch (IOException | RuntimeException e) {
                // Only ingest writes to this queue; a body that is not a job will never become one.
                LOG.warning("Message " + message.getMessageId() + " is not a job and is dropped: " + e.getMessage());
                continue;
            }
            try {
                JobOutcome outcome = processor.run(job, input(job), owner);
                LOG.info(() -> "Job " + job.id() + " " + outcome.status() + ": " + outcome.detail());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Job " + job.id() + " (" + job.source().describe() + ") failed, will be retried: " + e, e);
                retry.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(retry);
    }

    private InputSource input(Job job) throws IOException {
        return switch (job.source().scheme()) {
            case "s3" -> new S3InputSource(s3, job.source());
            case "efs" -> new FileInputSource(processor.layout().inbox().resolve(EntryNames.safeRelative(job.source().key())));
            default -> throw new IllegalArgumentException("Job " + job.id() + " has a source the processor Lambda cannot read: "
                    + job.source().describe());
        };
    }

    private static S3Client s3Client(PipelineConfig config) {
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(config.region()));
        if (config.s3Endpoint() != null) {
            builder.endpointOverride(config.s3Endpoint()).forcePathStyle(true);
        }
        return builder.build();
    }
}
