package dev.efspipe.metrics;

import dev.efspipe.config.TelemetryConfig;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The pipeline's own metrics: their names, units and dimensions, written as EMF ({@link EmbeddedMetrics}) in
 * the namespace {@value #NAMESPACE}. Every document carries one dimension, {@value #FUNCTION}: the Lambda
 * function's name ({@code AWS_LAMBDA_FUNCTION_NAME}, unique per stack), or {@code ingest} / {@code processor} / {@code api}
 * outside Lambda. Dataset names become a dimension only when {@code PIPELINE_METRICS_DATASET_DIMENSION} is
 * {@code true} ({@link TelemetryConfig}), and
 * then as an extra dimension set (every dataset is a custom metric per metric name: a cost that grows with the
 * number of datasets). Ingest rejections carry a {@value #REASON} dimension with two values,
 * {@code malformed} (no announcement can be read from the message) and {@code refused} (an upload the
 * pipeline will never process: too large, a key too long).
 *
 * <p>Where metrics are written ({@link TelemetryConfig#metrics()}): in Lambda always, and elsewhere (the CLI, the
 * local stack) when {@code AWS_LAMBDA_LOG_FORMAT=JSON}; on the stream the log lines go to (standard error, which
 * Lambda sends to the function's log group, where CloudWatch extracts them), exactly as the function writes
 * them. Otherwise they are not written at all.
 */
public final class PipelineMetrics {

    public static final String NAMESPACE = "efspipe";
    public static final String FUNCTION = "Function";
    public static final String REASON = "Reason";
    public static final String DATASET = "Dataset";
    // Processor, one document per job run.
    public static final String JOBS_PUBLISHED = "JobsPublished";
    /** Permanent failures, recorded under {@code failed/}: the alarmed metric. */
    public static final String JOBS_FAILED = "JobsFailed";
    public static final String JOBS_SUSPENDED = "JobsSuspended";
    /** Transient failures: the message comes back (and after 5 receives goes to the dead-letter queue). */
    public static final String JOBS_RETRIED = "JobsRetried";
    /** A job another processor holds (BUSY), or one already published or failed (a duplicate announcement). */
    public static final String CLAIM_CONFLICTS = "ClaimConflicts";
    public static final String INPUT_BYTES = "InputBytes";
    public static final String RECORDS = "Records";
    public static final String PARTS = "Parts";
    public static final String JOB_DURATION = "JobDuration";
    public static final String EFS_BYTES_WRITTEN = "EfsBytesWritten";
    public static final String EFS_BYTES_READ = "EfsBytesRead";

    // Ingest, one document per batch (and one per rejection, for its Reason).
    public static final String JOBS_QUEUED = "JobsQueued";
    public static final String ANNOUNCEMENTS_IGNORED = "AnnouncementsIgnored";
    public static final String INGEST_REJECTIONS = "IngestRejections";
    /** Messages that could not be handled and come back (the process queue unavailable, throttling). */
    public static final String INGEST_ERRORS = "IngestErrors";

    // Api, one document per request.
    public static final String API_REQUESTS = "ApiRequests";
    /** Requests answered 4xx: the client's mistake (a bad key, an unknown job), never retried by us. */
    public static final String API_CLIENT_ERRORS = "ApiClientErrors";
    /** Requests answered 5xx: EFS or S3 unavailable, a lock held too long, a bug. */
    public static final String API_SERVER_ERRORS = "ApiServerErrors";
    public static final String API_LATENCY = "ApiLatency";

    private final EmbeddedMetrics emf;
    private final boolean enabled;
    private final boolean byDataset;

    private PipelineMetrics(EmbeddedMetrics emf, boolean enabled, boolean byDataset) {
        this.emf = emf;
        this.enabled = enabled;
        this.byDataset = byDataset;
    }

    /**
     * Metrics as the function's telemetry configuration asks: written to {@code sink} (one line per document) when
     * {@link TelemetryConfig#metrics()}, under its Function name, per dataset when configured.
     */
    public static PipelineMetrics from(TelemetryConfig telemetry, Consumer<String> sink, Clock clock) {
        return new PipelineMetrics(new EmbeddedMetrics(NAMESPACE, Map.of(FUNCTION, telemetry.function()),
                telemetry.metrics() ? sink : line -> { }, clock), telemetry.metrics(), telemetry.datasetDimension());
    }

    /** Metrics written to {@code out} (tests, and callers that always want them). */
    public static PipelineMetrics writingTo(Consumer<String> sink, String function, boolean byDataset, Clock clock) {
        return new PipelineMetrics(new EmbeddedMetrics(NAMESPACE, Map.of(FUNCTION, function), sink, clock), true, byDataset);
    }

    /** Metrics that are never written. */
    public static PipelineMetrics disabled() {
        return new PipelineMetrics(new EmbeddedMetrics(NAMESPACE, Map.of(FUNCTION, "none"), line -> { }, Clock.systemUTC()),
                false, false);
    }

    /** A sink that prints each line on {@code out} in one call, so that lines of several threads never mix. */
    public static Consumer<String> lines(PrintStream out) {
        Objects.requireNonNull(out, "out");
        return out::println;
    }

    public boolean enabled() {
        return enabled;
    }

    /** A new document with the Function dimension. */
    public EmbeddedMetrics.Document document() {
        return emf.document();
    }

    /** A new document for one dataset's job: the Dataset dimension set is added when configured. */
    public EmbeddedMetrics.Document documentFor(String dataset) {
        EmbeddedMetrics.Document document = emf.document();
        if (byDataset && dataset != null && !dataset.isEmpty()) {
            document.alsoBy(DATASET, dataset);
        }
        return document;
    }
}
