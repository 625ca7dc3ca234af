package dev.efspipe.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the functions read from their environment, parsed and checked once at initialisation.
 * The README's configuration table lists the same variables; {@link #fromEnvironment(Map)} is the
 * only place that reads them.
 *
 * @param efsRoot          root of the EFS access point ({@code /mnt/pipeline} in Lambda)
 * @param processQueueUrl  where ingest sends jobs (and the processor its continuations); may be null for a
 *                         processor that only runs local files
 * @param s3Endpoint       endpoint override for S3 (the local stack), or null for AWS
 * @param sqsEndpoint      endpoint override for SQS (the local stack), or null for AWS
 * @param region           AWS region for the clients
 * @param partMaxBytes     upper bound of one NDJSON part file
 * @param lease            how long a job claim lives without renewal
 * @param lockTimeout      how long a writer waits for a file lock before it gives up with an error
 * @param permissions      modes for what the pipeline creates on EFS
 * @param gzipParts        whether NDJSON parts are written gzip-compressed ({@code part-NNNNN.ndjson.gz})
 * @param suspendMargin    a job that has less than this left of its invocation stops at the next part
 *                         boundary, saves a checkpoint and continues in a new invocation
 * @param suspendAfterBytes a job also stops after writing this many bytes in one invocation (-1: never); for
 *                         tests and for spreading very large jobs over invocations
 * @param progressInterval how often a running job's record gets fresh progress figures (at most)
 */
public record PipelineConfig(
        Path efsRoot,
        String processQueueUrl,
        URI s3Endpoint,
        URI sqsEndpoint,
        String region,
        long partMaxBytes,
        Duration lease,
        Duration lockTimeout,
        Permissions permissions,
        boolean gzipParts,
        Duration suspendMargin,
        long suspendAfterBytes,
        Duration progressInterval) {

    public static final String EFS_ROOT = "PIPELINE_EFS_ROOT";
    public static final String PROCESS_QUEUE_URL = "PIPELINE_PROCESS_QUEUE_URL";
    public static final String S3_ENDPOINT = "PIPELINE_S3_ENDPOINT";
    public static final String SQS_ENDPOINT = "PIPELINE_SQS_ENDPOINT";
    public static final String PART_MAX_BYTES = "PIPELINE_PART_MAX_BYTES";
    public static final String LEASE_SECONDS = "PIPELINE_LEASE_SECONDS";
    public static final String LOCK_TIMEOUT_SECONDS = "PIPELINE_LOCK_TIMEOUT_SECONDS";
    public static final String DIR_MODE = "PIPELINE_DIR_MODE";
    public static final String FILE_MODE = "PIPELINE_FILE_MODE";
    public static final String PART_COMPRESSION = "PIPELINE_PART_COMPRESSION";
    public static final String SUSPEND_MARGIN_SECONDS = "PIPELINE_SUSPEND_MARGIN_SECONDS";
    public static final String SUSPEND_AFTER_BYTES = "PIPELINE_SUSPEND_AFTER_BYTES";
    public static final String PROGRESS_SECONDS = "PIPELINE_PROGRESS_SECONDS";
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

    public static final long DEFAULT_PART_MAX_BYTES = 128L * 1024 * 1024;

    public PipelineConfig {
        Objects.requireNonNull(efsRoot, "efsRoot");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(suspendMargin, "suspendMargin");
        if (partMaxBytes < 1024) {
            throw new IllegalArgumentException("part size (" + partMaxBytes + " bytes) must be at least 1024 bytes");
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease (" + lease + ") must be positive");
        }
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progress interval (" + progressInterval + ") must be positive");
        }
    }

    /** A configuration with defaults for everything but the EFS root: what {@code ./pipeline process} uses. */
    public static PipelineConfig forEfsRoot(Path efsRoot) {
        return new PipelineConfig(efsRoot, null, null, null, "us-east-1", DEFAULT_PART_MAX_BYTES,
                Duration.ofMinutes(2), Duration.ofSeconds(30), Permissions.DEFAULT, false, Duration.ofSeconds(120), -1,
                DEFAULT_PROGRESS_INTERVAL);
    }

    /** Reads the environment of a Lambda function (or of the local stack, which sets the same variables). */
    public static PipelineConfig fromEnvironment(Map<String, String> env) {
        return new PipelineConfig(
                Path.of(env.getOrDefault(EFS_ROOT, "/mnt/pipeline")),
                blankToNull(env.get(PROCESS_QUEUE_URL)),
                Optional.ofNullable(blankToNull(env.get(S3_ENDPOINT))).map(URI::create).orElse(null),
                Optional.ofNullable(blankToNull(env.get(SQS_ENDPOINT))).map(URI::create).orElse(null),
                env.getOrDefault("AWS_REGION", "us-east-1"),
                longValue(env, PART_MAX_BYTES, DEFAULT_PART_MAX_BYTES),
                Duration.ofSeconds(longValue(env, LEASE_SECONDS, 120)),
                Duration.ofSeconds(longValue(env, LOCK_TIMEOUT_SECONDS, 30)),
                new Permissions(
                        Permissions.parseMode(env.getOrDefault(DIR_MODE, "750"), DIR_MODE),
                        Permissions.parseMode(env.getOrDefault(FILE_MODE, "640"), FILE_MODE)),
                compression(env.get(PART_COMPRESSION)),
                Duration.ofSeconds(longValue(env, SUSPEND_MARGIN_SECONDS, 120)),
                longValue(env, SUSPEND_AFTER_BYTES, -1),
                Duration.ofMillis(Math.round(1000 * decimalValue(env, PROGRESS_SECONDS,
                        DEFAULT_PROGRESS_INTERVAL.toMillis() / 1000.0))));
    }

    public PipelineConfig withProcessQueueUrl(String url) {
        return new PipelineConfig(efsRoot, url, s3Endpoint, sqsEndpoint, region, partMaxBytes, lease, lockTimeout,
                permissions, gzipParts, suspendMargin, suspendAfterBytes, progressInterval);
    }

    public PipelineConfig withPartMaxBytes(long bytes) {
        return new PipelineConfig(efsRoot, processQueueUrl, s3Endpoint, sqsEndpoint, region, bytes, lease, lockTimeout,
                permissions, gzipParts, suspendMargin, suspendAfterBytes, progressInterval);
    }

    public PipelineConfig withLease(Duration newLease) {
        return new PipelineConfig(efsRoot, processQueueUrl, s3Endpoint, sqsEndpoint, region, partMaxBytes, newLease, lockTimeout,
                permissions, gzipParts, suspendMargin, suspendAfterBytes, progressInterval);
    }

    public PipelineConfig withGzipParts(boolean gzip) {
        return new PipelineConfig(efsRoot, processQueueUrl, s3Endpoint, sqsEndpoint, region, partMaxBytes, lease, lockTimeout,
                permissions, gzip, suspendMargin, suspendAfterBytes, progressInterval);
    }

    public PipelineConfig withSuspendAfterBytes(long bytes) {
        return new PipelineConfig(efsRoot, processQueueUrl, s3Endpoint, sqsEndpoint, region, partMaxBytes, lease, lockTimeout,
                permissions, gzipParts, suspendMargin, bytes, progressInterval);
    }

    public PipelineConfig withProgressInterval(Duration interval) {
        return new PipelineConfig(efsRoot, processQueueUrl, s3Endpoint, sqsEndpoint, region, partMaxBytes, lease, lockTimeout,
                permissions, gzipParts, suspendMargin, suspendAfterBytes, interval);
    }

    private static boolean compression(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) {
            return false;
        }
        if (value.equalsIgnoreCase("gzip")) {
            return true;
        }
        throw new IllegalArgumentException(PART_COMPRESSION + " must be none or gzip, got '" + value + "'");
    }

    private static long longValue(Map<String, String> env, String name, long fallback) {
        String raw = blankToNull(env.get(name));
        if (raw == null) {
            return fallback;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Environment variable " + name + " must be a whole number, got '" + raw + "'");
        }
    }

    private static double decimalValue(Map<String, String> env, String name, double fallback) {
        String raw = blankToNull(env.get(name));
        if (raw == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(raw.trim());
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Environment variable " + name + " must be a positive number of seconds, got '" + raw + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
