package dev.efspipe.api.config;

import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.config.IngestRules;
import dev.efspipe.config.Settings;

import java.util.Map;
import java.util.Objects;

/**
 * Everything the api function reads from its environment, read by {@link Settings} in {@link #from(Settings)}.
 *
 * @param efs                the EFS root, modes and lock timeout (the MessageWall's lock, job records, published/)
 * @param clients            region and S3 endpoint override (presigned URLs point there)
 * @param bucket             the upload bucket ({@value #BUCKET}, required)
 * @param uploadPrefix       where browser uploads go ({@value #UPLOAD_PREFIX}, default {@code uploads/})
 * @param multipartThreshold uploads larger than this get a multipart plan ({@value #MULTIPART_THRESHOLD}, default 100 MiB)
 * @param partBytes          the multipart part size ({@value #PART_BYTES}, default 64 MiB, at least S3's 5 MiB)
 * @param presignTtl         how long presigned URLs live ({@value #PRESIGN_SECONDS}, default 900 s)
 * @param maxResponseBytes   the largest body one answer carries ({@value #MAX_RESPONSE_BYTES}, default 4 MiB: a
 *                           Lambda response behind API Gateway is capped at 6 MB, and binary bodies travel base64,
 *                           4/3 larger)
 * @param messageFile        the MessageWall's file name under {@code message/} ({@value #MESSAGE_FILE}, default {@code wall.txt})
 * @param ingestRules        the ingest function's rules (the same variables), to tell an upload that will be refused
 */
public record ApiConfig(EfsConfig efs, ClientConfig clients, String bucket, String uploadPrefix, long multipartThreshold,
                        long partBytes, java.time.Duration presignTtl, long maxResponseBytes, String messageFile,
                        IngestRules ingestRules) {
    public static final String BUCKET = "PIPELINE_BUCKET";
    public static final String UPLOAD_PREFIX = "PIPELINE_UPLOAD_PREFIX";
    public static final String MULTIPART_THRESHOLD = "PIPELINE_MULTIPART_THRESHOLD_BYTES";
    public static final String PART_BYTES = "PIPELINE_MULTIPART_PART_BYTES";
    public static final String PRESIGN_SECONDS = "PIPELINE_PRESIGN_SECONDS";
    public static final String MAX_RESPONSE_BYTES = "PIPELINE_MAX_RESPONSE_BYTES";
    public static final String MESSAGE_FILE = "PIPELINE_MESSAGE_FILE";

    /** S3's smallest part (all but the last), and its largest. */
    public static final long MIN_PART_BYTES = 5L << 20;
    public static final long MAX_PART_BYTES = 5L << 30;
    /** What a Lambda response behind API Gateway may carry, JSON envelope included. */
    public static final long LAMBDA_RESPONSE_CAP = 6L * 1024 * 1024;
    /** The largest body that, base64-encoded with room for headers, fits {@link #LAMBDA_RESPONSE_CAP}. */
    public static final long MAX_BODY_BYTES = (LAMBDA_RESPONSE_CAP - 64 * 1024) * 3 / 4;

    public ApiConfig {
        Objects.requireNonNull(efs, "efs");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(presignTtl, "presignTtl");
        Objects.requireNonNull(ingestRules, "ingestRules");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException(BUCKET + " must name the upload bucket");
        }
        if (uploadPrefix == null || uploadPrefix.startsWith("/") || (!uploadPrefix.isEmpty() && !uploadPrefix.endsWith("/"))) {
            throw new IllegalArgumentException(UPLOAD_PREFIX + " must be empty or a key prefix ending in '/', got '"
                    + uploadPrefix + "'");
        }
        if (partBytes < MIN_PART_BYTES || partBytes > MAX_PART_BYTES) {
            throw new IllegalArgumentException(PART_BYTES + " (" + partBytes + ") must be within S3's part sizes, "
                    + MIN_PART_BYTES + " to " + MAX_PART_BYTES);
        }
        if (multipartThreshold < 1) {
            throw new IllegalArgumentException(MULTIPART_THRESHOLD + " (" + multipartThreshold + ") must be positive");
        }
        if (maxResponseBytes < 64 * 1024 || maxResponseBytes > MAX_BODY_BYTES) {
            throw new IllegalArgumentException(MAX_RESPONSE_BYTES + " (" + maxResponseBytes + ") must be from 65536 to "
                    + MAX_BODY_BYTES + " (base64-encoded, it must fit a Lambda response of " + LAMBDA_RESPONSE_CAP + " bytes)");
        }
        if (presignTtl.isNegative() || presignTtl.isZero() || presignTtl.toSeconds() > 7 * 24 * 3600) {
            throw new IllegalArgumentException(PRESIGN_SECONDS + " (" + presignTtl.toSeconds() + ") must be 1 s to 7 days");
        }
        if (messageFile == null || !messageFile.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException(MESSAGE_FILE + " must be one file name, got '" + messageFile + "'");
        }
    }

    public static ApiConfig from(Settings s) {
        return new ApiConfig(EfsConfig.from(s), ClientConfig.from(s),
                s.required(BUCKET, "uploads are presigned for it and looked up in it"),
                s.string(UPLOAD_PREFIX, "uploads/"),
                s.longValue(MULTIPART_THRESHOLD, 100L << 20, 1, Long.MAX_VALUE, "bytes"),
                s.longValue(PART_BYTES, 64L << 20, MIN_PART_BYTES, MAX_PART_BYTES, "bytes"),
                s.seconds(PRESIGN_SECONDS, java.time.Duration.ofSeconds(900), 1),
                s.longValue(MAX_RESPONSE_BYTES, 4L << 20, 64 * 1024, MAX_BODY_BYTES, "bytes"),
                s.string(MESSAGE_FILE, "wall.txt"),
                IngestRules.from(s));
    }

    public static ApiConfig fromEnvironment(Map<String, String> env) {
        return from(Settings.environment(env));
    }
}
