package dev.efspipe.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.efspipe.config.PipelineConfig;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import dev.efspipe.processor.input.InboxInputSource;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.input.S3InputSource;
import dev.efspipe.processor.json.JsonLimits;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.run.Budget;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import dev.efspipe.processor.transform.TransformRules;
import dev.efspipe.processor.transform.Transforms;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

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
    private final PipelineConfig config;
    private final S3Client s3;
    private final SqsClient sqs;

    /** Used by the Lambda runtime: configuration from the environment, clients built once per environment. */
    public ProcessorHandler() {
        this(PipelineConfig.fromEnvironment(System.getenv()), null);
    }

    /** Used by tests; {@code s3} may be null to build one from the configuration. */
    public ProcessorHandler(PipelineConfig config, S3Client s3) {
        this(config, s3, null);
    }

    /** Used by the local stack; a null client is built from the configuration. */
    public ProcessorHandler(PipelineConfig config, S3Client s3, SqsClient sqs) {
        this.config = config;
        JsonLimits json = JsonLimits.fromEnvironment(System.getenv());
        this.processor = new JobProcessor(config, json, UnpackLimits.fromEnvironment(System.getenv()),
                new Transforms(config.efsRoot(), TransformRules.fromEnvironment(System.getenv()), json, Transforms.defaultLocalDir()),
                Clock.systemUTC());
        this.s3 = s3 != null ? s3 : s3Client(config);
        this.sqs = sqs != null ? sqs : sqsClient(config);
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
            if (!job.source().scheme().equals("s3") && !job.source().scheme().equals("efs")) {
                // A local file of ./pipeline process has no meaning in a Lambda: retrying cannot help.
                LOG.warning("Message " + message.getMessageId() + ": job " + job.id() + " reads " + job.source().describe()
                        + ", which the processor Lambda cannot read; dropped");
                continue;
            }
            try {
                JobOutcome outcome = processor.run(job, input(job), owner, budget(context));
                LOG.info(() -> "Job " + job.id() + " " + outcome.status() + ": " + outcome.detail());
                if (outcome.status() == JobOutcome.Status.SUSPENDED) {
                    continueLater(job);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Job " + job.id() + " (" + job.source().describe() + ") failed, will be retried: " + e, e);
                retry.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(retry);
    }

    /**
     * Stop at the next clean boundary when less than the margin is left of this invocation, or when the
     * configured bytes per invocation are written.
     */
    private Budget budget(Context context) {
        long margin = config.suspendMargin().toMillis();
        long maxBytes = config.suspendAfterBytes();
        return written -> (maxBytes >= 0 && written >= maxBytes)
                || (context != null && context.getRemainingTimeInMillis() < margin);
    }

    /** Sends the job again, to the process queue; the next invocation resumes from the checkpoint. */
    private void continueLater(Job job) throws IOException {
        if (config.processQueueUrl() == null || sqs == null) {
            throw new IOException("Job " + job.id() + " suspended at a checkpoint, but no " + PipelineConfig.PROCESS_QUEUE_URL
                    + " is set to send its continuation to; the message will come back and resume it");
        }
        try {
            sqs.sendMessage(b -> b.queueUrl(config.processQueueUrl()).messageBody(toJson(job)));
        } catch (SdkException e) {
            throw new IOException("Could not send the continuation of job " + job.id() + ": " + e.getMessage(), e);
        }
    }

    private static String toJson(Job job) {
        try {
            return Json.MAPPER.writeValueAsString(job);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A job always serialises", e);
        }
    }

    private InputSource input(Job job) throws IOException {
        return switch (job.source().scheme()) {
            case "s3" -> new S3InputSource(s3, job.source());
            case "efs" -> new InboxInputSource(processor.layout().inbox(), job.source().key());
            default -> throw new IllegalArgumentException("Job " + job.id() + " has a source the processor Lambda cannot read: "
                    + job.source().describe());
        };
    }

    private static SqsClient sqsClient(PipelineConfig config) {
        if (config.processQueueUrl() == null) {
            return null;
        }
        var builder = SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(config.region()));
        if (config.sqsEndpoint() != null) {
            builder.endpointOverride(config.sqsEndpoint());
        }
        return builder.build();
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
