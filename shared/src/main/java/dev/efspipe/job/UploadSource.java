package dev.efspipe.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.JobId;
import dev.efspipe.text.Printable;

import java.util.Locale;
import java.util.Objects;

/**
 * Where an upload lives and which version of it a job processes.
 *
 * @param scheme    where the upload is: an S3 object, a file in the EFS inbox, or a local file
 * @param bucket    the bucket (s3 only)
 * @param key       the object key, exactly as stored (decoded once from the event), or the path relative to
 *                  the inbox (efs), or the file name (file)
 * @param versionId the S3 version id when the bucket is versioned, else null
 * @param eTag      the S3 ETag (without quotes) or another content tag; identifies the content
 * @param size      the object's size in bytes
 */
public record UploadSource(Scheme scheme, String bucket, String key, String versionId, String eTag, long size) {
    /** Where an upload is; written in jobs as {@code "s3"}, {@code "efs"} or {@code "file"}. */
    public enum Scheme {
        /** An object in a bucket. */
        S3,
        /** A file a web app wrote into the EFS inbox. */
        EFS,
        /** A local file handed to {@code ./pipeline process}. */
        FILE;

        /** The form in job JSON and in the job's identity. */
        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Scheme of(String wire) {
            for (Scheme scheme : values()) {
                if (scheme.wire().equals(wire)) {
                    return scheme;
                }
            }
            throw new IllegalArgumentException("Unknown source scheme '" + wire + "': expected s3, efs or file");
        }
    }

    public UploadSource {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(key, "key");
        if (scheme == Scheme.S3 && (bucket == null || bucket.isEmpty())) {
            throw new IllegalArgumentException("An s3 source needs a bucket (key '" + key + "')");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("The source key is empty");
        }
        if (size < 0) {
            throw new IllegalArgumentException("Negative size " + size + " for '" + key + "'");
        }
        if (eTag != null) {
            eTag = eTag.replace("\"", "");
        }
    }

    public static UploadSource s3(String bucket, String key, String versionId, String eTag, long size) {
        return new UploadSource(Scheme.S3, bucket, key, versionId, eTag, size);
    }

    /** A file a web app wrote into the inbox, at {@code path} relative to {@code inbox/}. */
    public static UploadSource efs(String path, String uploadId, long size) {
        return new UploadSource(Scheme.EFS, null, path, null, uploadId, size);
    }

    /** A local file; {@code tag} identifies its content (e.g. its modification time). */
    public static UploadSource file(String path, String tag, long size) {
        return new UploadSource(Scheme.FILE, null, path, null, tag, size);
    }

    /**
     * The string the job id is derived from: scheme, bucket, key, then the version id if there is one,
     * else the ETag, then the size. NUL separates the fields; it cannot occur in any of them.
     */
    public String identity() {
        String tag = versionId != null && !versionId.isEmpty() && !versionId.equals("null") ? "v:" + versionId : "e:" + eTag;
        return String.join("\u0000", scheme.wire(), bucket == null ? "" : bucket, key, tag, Long.toString(size));
    }

    /** The job id of this upload: SHA-256 of {@link #identity()}. */
    public JobId jobId() {
        return JobId.ofIdentity(identity());
    }

    /**
     * The id of a job that publishes this upload as {@code dataset}. The dataset a job publishes to is part of what
     * was asked for: an upload processed as {@code b} after it was published as {@code a} is a new job, not a
     * duplicate. The dataset derived from the key ({@link DatasetName#fromObjectKey}) adds nothing, so every
     * announcement that lets the name be derived shares {@link #jobId()}.
     */
    public JobId jobId(DatasetName dataset) {
        if (dataset.equals(DatasetName.fromObjectKey(key))) {
            return jobId();
        }
        return JobId.ofIdentity(identity() + "\u0000dataset:" + dataset.value());
    }

    /** A short human form for logs and messages: {@code s3://bucket/key}, escaped ({@link Printable}): keys come from input. */
    public String describe() {
        return Printable.escape(switch (scheme) {
            case S3 -> "s3://" + bucket + "/" + key;
            case EFS -> "efs:inbox/" + key;
            case FILE -> "file:" + key;
        });
    }
}
