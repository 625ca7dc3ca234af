package dev.efspipe.api;

import dev.efspipe.config.IngestRules;
import dev.efspipe.config.PipelineConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the api function reads from its environment, checked once at initialisation.
 *
 * @param pipeline          the settings every function shares (EFS root, region, S3 endpoint, lock timeout, modes)
 * @param bucket            the upload bucket ({@value #BUCKET}, required)
 * @param uploadPrefix      where browser uploads go ({@value #UPLOAD_PREFIX}, default {@code uploads/})
 * @param multipartThreshold uploads larger than this get a multipart plan ({@value #MULTIPART_THRESHOLD}, default 100 MiB)
 * @param partBytes         the multipart part size ({@value #PART_BYTES}, default 64 MiB, at least S3's 5 MiB)
 * @param presignTtl        how long presigned URLs live ({@value #PRESIGN_SECONDS}, default 900 s)
 * @param maxResponseBytes  the largest body one answer carries ({@value #MAX_RESPONSE_BYTES}, default 4 MiB: a
 *                          Lambda response behind API Gateway is capped at 6 MB, and binary bodies travel base64,
 *                          4/3 larger)
 * @param messageFile       the MessageWall's file name under {@code message/} ({@value #MESSAGE_FILE}, default {@code wall.txt})
 * @param ingestRules       the ingest function's rules, to tell an upload that will be refused
 */
public record ApiConfig(PipelineConfig pipeline, String bucket, String uploadPrefix, long multipartThreshold,
                        long partBytes, Duration presignTtl, long maxResponseBytes, String messageFile,
                        IngestRules ingestRules) {
    public static final String BUCKET = "PIPELINE_BUCKET";
    public static final String UPLOAD_PREFIX = "PIPELINE_UPLOAD_PREFIX";
    public static final String MULTIPART_THRESHOLD = "PIPELINE_MULTIPART_THRESHOLD_BYTES";
    public static final String PART_BYTES = "PIPELINE_MULTIPART_PART_BYTES";
    public static final String PRESIGN_SECONDS = "PIPELINE_PRESIGN_SECONDS";
    public static final String MAX_RESPONSE_BYTES = "PIPELINE_MAX_RESPONSE_BYTES";
    public static final String MESSAGE_FILE = "PIPELINE_MESSAGE_FILE";

    /** S3's smallest part (all but the last). */
    public static final long MIN_PART_BYTES = 5L << 20;
    /** What a Lambda response behind API Gateway may carry, JSON envelope included. */
    public static final long LAMBDA_RESPONSE_CAP = 6L * 1024 * 1024;

    public ApiConfig {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(ingestRules, "ingestRules");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException(BUCKET + " must name the upload bucket");
        }
        if (uploadPrefix == null || uploadPrefix.startsWith("/") || (!uploadPrefix.isEmpty() && !uploadPrefix.endsWith("/"))) {
            throw new IllegalArgumentException(UPLOAD_PREFIX + " must be empty or a key prefix ending in '/', got '"
                    + uploadPrefix + "'");
        }
        if (partBytes < MIN_PART_BYTES) {
            throw new IllegalArgumentException(PART_BYTES + " (" + partBytes + ") must be at least S3's minimum part size "
                    + MIN_PART_BYTES);
        }
        if (multipartThreshold < 1) {
            throw new IllegalArgumentException(MULTIPART_THRESHOLD + " (" + multipartThreshold + ") must be positive");
        }
        if (maxResponseBytes < 64 * 1024 || maxResponseBytes * 4 / 3 + 64 * 1024 > LAMBDA_RESPONSE_CAP) {
            throw new IllegalArgumentException(MAX_RESPONSE_BYTES + " (" + maxResponseBytes + ") must be at least 65536 and,"
                    + " base64-encoded, fit into a Lambda response of " + LAMBDA_RESPONSE_CAP + " bytes");
        }
        if (presignTtl.isNegative() || presignTtl.isZero() || presignTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException(PRESIGN_SECONDS + " (" + presignTtl.toSeconds() + ") must be 1 s to 7 days");
        }
        if (messageFile == null || !messageFile.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException(MESSAGE_FILE + " must be one file name, got '" + messageFile + "'");
        }
    }

    public static ApiConfig fromEnvironment(Map<String, String> env) {
        return new ApiConfig(PipelineConfig.fromEnvironment(env), env.get(BUCKET),
                env.getOrDefault(UPLOAD_PREFIX, "uploads/"),
                longValue(env, MULTIPART_THRESHOLD, 100L << 20),
                longValue(env, PART_BYTES, 64L << 20),
                Duration.ofSeconds(longValue(env, PRESIGN_SECONDS, 900)),
                longValue(env, MAX_RESPONSE_BYTES, 4L << 20),
                env.getOrDefault(MESSAGE_FILE, "wall.txt"),
                IngestRules.fromEnvironment(env));
    }

    public Path efsRoot() {
        return pipeline.efsRoot();
    }

    public URI s3Endpoint() {
        return pipeline.s3Endpoint();
    }

    private static long longValue(Map<String, String> env, String name, long fallback) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Environment variable " + name + " must be a whole number, got '" + raw + "'");
        }
    }
}
