package dev.efspipe.job;

import dev.efspipe.text.Printable;

import java.util.Objects;

/**
 * Where an upload lives and which version of it a job processes.
 *
 * @param scheme    {@code s3} for an object in a bucket, {@code efs} for a file a web app wrote to the inbox,
 *                  {@code file} for a local file handed to {@code ./pipeline process}
 * @param bucket    the bucket (s3 only)
 * @param key       the object key, exactly as stored (decoded once from the event), or the path relative to
 *                  the inbox (efs), or the file name (file)
 * @param versionId the S3 version id when the bucket is versioned, else null
 * @param eTag      the S3 ETag (without quotes) or another content tag; identifies the content
 * @param size      the object's size in bytes
 */
public record UploadSource(String scheme, String bucket, String key, String versionId, String eTag, long size) {
    public UploadSource {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(key, "key");
        if (!scheme.equals("s3") && !scheme.equals("efs") && !scheme.equals("file")) {
            throw new IllegalArgumentException("Unknown source scheme '" + scheme + "'");
        }
        if (scheme.equals("s3") && (bucket == null || bucket.isEmpty())) {
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
        return new UploadSource("s3", bucket, key, versionId, eTag, size);
    }

    /**
     * The string the job id is derived from: scheme, bucket, key, then the version id if there is one,
     * else the ETag, then the size. NUL separates the fields; it cannot occur in any of them.
     */
    public String identity() {
        String tag = versionId != null && !versionId.isEmpty() && !versionId.equals("null") ? "v:" + versionId : "e:" + eTag;
        return String.join("\u0000", scheme, bucket == null ? "" : bucket, key, tag, Long.toString(size));
    }

    /** A short human form for logs and messages: {@code s3://bucket/key}, escaped ({@link Printable}): keys come from input. */
    public String describe() {
        return Printable.escape(switch (scheme) {
            case "s3" -> "s3://" + bucket + "/" + key;
            case "efs" -> "efs:inbox/" + key;
            default -> "file:" + key;
        });
    }
}
