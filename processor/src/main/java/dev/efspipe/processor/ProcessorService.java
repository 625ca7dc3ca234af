package dev.efspipe.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.efspipe.config.Settings;
import dev.efspipe.fs.IoErrors;
import dev.efspipe.job.Job;
import dev.efspipe.job.LocalProcess;
import dev.efspipe.json.Json;
import dev.efspipe.logging.LogContext;
import dev.efspipe.logging.Logs;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.metrics.EmbeddedMetrics;
import dev.efspipe.metrics.PipelineMetrics;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.config.SuspendRule;
import dev.efspipe.processor.input.InboxInputSource;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.input.S3InputSource;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import dev.efspipe.processor.run.SuspendCheck;
import dev.efspipe.sqs.SqsBatch;
import dev.efspipe.text.Printable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The processor function as plain Java: one job message in, one {@link SqsBatch.Result} out. It parses the
 * message, picks the input for the job's source, runs {@link JobProcessor} until the {@link SuspendRule} says
 * to stop, and sends a suspended job's continuation to the process queue. Published jobs, duplicates, jobs
 * another processor is working on, and permanent failures (recorded on EFS) are acknowledged; a transient
 * failure is retried.
 *
 * <p>Every run of a job is logged with the request id, job id, dataset and key ({@link LogContext}), and
 * counted in the pipeline's metrics ({@link PipelineMetrics}): its outcome (published, failed, suspended,
 * retried, or a claim conflict), and for a published job its input bytes, records, parts, duration and the
 * bytes it wrote to and read from EFS.
 *
 * <p>{@link #fromEnvironment} is the one wiring: the Lambda handler, the local stack and
 * {@code ./pipeline process} all build the service there.
 */
public final class ProcessorService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProcessorService.class.getName());
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

    private final ProcessorConfig config;
    private final JobProcessor processor;
    private final S3Client givenS3;
    private final SqsClient sqs;
    private final PipelineMetrics metrics;
    private final Clock clock;
    /**
     * Outside Lambda (the local stack, tests) a claim's owner names this process, so the claims of a killed stack
     * are taken over at once; in Lambda they keep the lease rule ({@link LocalProcess#ownerNames}).
     */
    private final UnaryOperator<String> ownerNames;
    private S3Client s3;

    /** Without metrics (tests). */
    public ProcessorService(ProcessorConfig config, S3Client s3, SqsClient sqs, Clock clock) {
        this(config, s3, sqs, clock, PipelineMetrics.disabled());
    }

    /**
     * @param s3  for jobs that read S3 objects; null to build one from the configuration when the first needs it
     * @param sqs for continuations; null when the configuration names no process queue
     */
    public ProcessorService(ProcessorConfig config, S3Client s3, SqsClient sqs, Clock clock, PipelineMetrics metrics) {
        this(config, s3, sqs, clock, metrics, LocalProcess.ownerNames(Map.of()));
    }

    private ProcessorService(ProcessorConfig config, S3Client s3, SqsClient sqs, Clock clock, PipelineMetrics metrics,
                             UnaryOperator<String> ownerNames) {
        this.config = config;
        this.ownerNames = ownerNames;
        this.processor = new JobProcessor(config, clock);
        this.givenS3 = s3;
        this.sqs = sqs;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A function's wiring: configuration from {@code env}, clients built from it. */
    public static ProcessorService fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, null, null);
    }

    /** The same with the clients given (the local stack's, with its credentials); null ones are built. */
    public static ProcessorService fromEnvironment(Map<String, String> env, S3Client s3, SqsClient sqs) {
        ProcessorConfig config = ProcessorConfig.from(Settings.environment(env));
        Logs.configure(config.telemetry());
        SqsClient queue = sqs != null || config.processQueueUrl() == null ? sqs : AwsClients.sqs(config.clients());
        Clock clock = Clock.systemUTC();
        return new ProcessorService(config, s3, queue, clock,
                PipelineMetrics.from(config.telemetry(), PipelineMetrics.lines(System.err), clock), LocalProcess.ownerNames(env));
    }

    public ProcessorConfig config() {
        return config;
    }

    /** Runs a job read from {@code input} to its end (no suspension): {@code ./pipeline process}. */
    public JobOutcome run(Job job, InputSource input, String owner) throws IOException {
        try (LogContext.Scope scope = LogContext.job(job.id().value(), job.dataset().value(), job.source().key())) {
            return measured(job, () -> processor.run(job, input, owner));
        }
    }

    /**
     * Removes this process's local copies of plugins and reference indexes: for a command that ends
     * ({@code ./pipeline process}); a Lambda environment never calls it (its {@code /tmp} goes with it).
     */
    @Override
    public void close() throws IOException {
        processor.close();
    }

    /** Before each batch: removes dead attempts' staging directories, at most every 10 minutes. */
    public void beforeBatch() {
        processor.sweepStagingEvery(SWEEP_INTERVAL);
    }

    /**
     * Handles one message of the process queue.
     *
     * @param requestId       the invocation's request id, part of the claim's owner
     * @param remainingMillis the invocation's remaining time, or null where there is no deadline
     */
    public SqsBatch.Result handle(String messageId, String body, String requestId, LongSupplier remainingMillis) {
        try (LogContext.Scope request = LogContext.with(LogContext.REQUEST_ID, requestId)) {
            Job job;
            try {
                job = Json.MAPPER.readValue(body, Job.class);
            } catch (IOException | RuntimeException e) {
                // Only ingest writes to this queue; a body that is not a job will never become one.
                LOG.warning("Message " + messageId + " is not a job and is dropped: " + Printable.escape(e.getMessage()));
                return SqsBatch.Result.ACK;
            }
            try (LogContext.Scope scope = LogContext.job(job.id().value(), job.dataset().value(), job.source().key())) {
                return handle(messageId, job, requestId, remainingMillis);
            }
        }
    }

    private SqsBatch.Result handle(String messageId, Job job, String requestId, LongSupplier remainingMillis) {
        try {
            InputSource input = input(job);
            if (input == null) {
                // A local file of ./pipeline process has no meaning in a function: retrying cannot help.
                LOG.warning("Message " + messageId + ": job " + job.id() + " reads " + job.source().describe()
                        + ", which the processor function cannot read; dropped");
                return SqsBatch.Result.ACK;
            }
            JobOutcome outcome = measured(job, () -> processor.run(job, input, ownerNames.apply(Environment.NAME + "/" + requestId),
                    suspendCheck(remainingMillis)));
            LOG.info(() -> "Job " + job.id() + " " + outcome.status() + ": " + outcome.detail());
            if (outcome.status() == JobOutcome.Status.SUSPENDED) {
                continueLater(job);
            }
            return SqsBatch.Result.ACK;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Job " + job.id() + " (" + job.source().describe() + ") failed, will be retried: "
                    + Printable.escape(IoErrors.describe(e)), e);
            return SqsBatch.Result.RETRY;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Job " + job.id() + " (" + job.source().describe() + ") failed, will be retried: " + Printable.escape(String.valueOf(e)), e);
            return SqsBatch.Result.RETRY;
        }
    }

    /** One run of a job: how it ended. */
    @FunctionalInterface
    private interface Run {
        JobOutcome run() throws IOException;
    }

    /** Runs {@code run} and writes one metrics document about it (a thrown failure counts as a retry). */
    private JobOutcome measured(Job job, Run run) throws IOException {
        EmbeddedMetrics.Document document = metrics.documentFor(job.dataset().value())
                .property(LogContext.JOB_ID, job.id().value());
        String requestId = LogContext.current().get(LogContext.REQUEST_ID);
        if (requestId != null) {
            document.property(LogContext.REQUEST_ID, requestId);
        }
        long started = clock.millis();
        try {
            JobOutcome outcome = run.run();
            document.add(PipelineMetrics.JOB_DURATION, clock.millis() - started, EmbeddedMetrics.Unit.MILLISECONDS);
            switch (outcome.status()) {
                case PUBLISHED -> {
                    document.count(PipelineMetrics.JOBS_PUBLISHED, 1);
                    Manifest manifest = outcome.manifest();
                    if (manifest != null) {
                        document.add(PipelineMetrics.INPUT_BYTES, manifest.inputBytes(), EmbeddedMetrics.Unit.BYTES)
                                .count(PipelineMetrics.RECORDS, manifest.records())
                                .count(PipelineMetrics.PARTS, manifest.parts().size())
                                .add(PipelineMetrics.EFS_BYTES_WRITTEN, manifest.efsBytesWritten(), EmbeddedMetrics.Unit.BYTES)
                                .add(PipelineMetrics.EFS_BYTES_READ, manifest.efsBytesRead(), EmbeddedMetrics.Unit.BYTES);
                    }
                }
                case FAILED -> document.count(PipelineMetrics.JOBS_FAILED, 1);
                case SUSPENDED -> document.count(PipelineMetrics.JOBS_SUSPENDED, 1);
                case BUSY, DUPLICATE -> document.count(PipelineMetrics.CLAIM_CONFLICTS, 1);
            }
            return outcome;
        } catch (IOException | RuntimeException e) {
            document.count(PipelineMetrics.JOBS_RETRIED, 1);
            throw e;
        } finally {
            document.emit();
        }
    }

    /** The input of a job's source, or null for a source a function cannot read (a local file). */
    private InputSource input(Job job) throws IOException {
        return switch (job.source().scheme()) {
            case S3 -> new S3InputSource(s3(), job.source());
            case EFS -> new InboxInputSource(processor.layout().inbox(), job.source().key());
            case FILE -> null;
        };
    }

    private synchronized S3Client s3() {
        if (s3 == null) {
            s3 = givenS3 != null ? givenS3 : AwsClients.s3(config.clients());
        }
        return s3;
    }

    /** Stop when less than the margin is left of this invocation, or when the bytes per invocation are written. */
    private SuspendCheck suspendCheck(LongSupplier remainingMillis) {
        SuspendRule rule = config.suspend();
        long margin = rule.margin().toMillis();
        return written -> (rule.afterBytes() >= 0 && written >= rule.afterBytes())
                || (remainingMillis != null && remainingMillis.getAsLong() < margin);
    }

    /** Sends the job again, to the process queue; the next invocation resumes from the checkpoint. */
    private void continueLater(Job job) throws IOException {
        if (config.processQueueUrl() == null || sqs == null) {
            throw new IOException("Job " + job.id() + " suspended at a checkpoint, but no " + ProcessorConfig.PROCESS_QUEUE_URL
                    + " is set to send its continuation to; the message will come back and resume it");
        }
        String body;
        try {
            body = Json.MAPPER.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A job always serialises", e);
        }
        try {
            sqs.sendMessage(b -> b.queueUrl(config.processQueueUrl()).messageBody(body));
        } catch (SdkException e) {
            throw new IOException("Could not send the continuation of job " + job.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Distinguishes this execution environment's claims from those of every other. A holder of its own: made on
     * the first message, not by {@code ./pipeline process}, which names its owner itself (the management beans
     * and the random generator cost a command a tenth of a second at start).
     */
    private static final class Environment {
        static final String NAME = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
