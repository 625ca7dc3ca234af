package dev.efspipe.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.efspipe.layout.DatasetName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The identity of one job: 32 lowercase hex digits of SHA-256 over the upload's source
 * (see {@link UploadSource#identity()}) and, when it is not the one derived from the key, the dataset it
 * publishes to ({@link #of(UploadSource, DatasetName)}). Two announcements of the same object map to the same
 * id, which is what makes the processor's claim on EFS de-duplicate them exactly.
 */
public record JobId(String value) {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{32}");

    @JsonCreator
    public JobId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid job id '" + value + "': expected 32 lowercase hex digits");
        }
    }

    public static JobId of(UploadSource source) {
        return hash(source.identity());
    }

    /**
     * The id of a job that publishes {@code source} as {@code dataset}. The dataset a job publishes to is part of
     * what was asked for: an upload processed as {@code b} after it was published as {@code a} is a new job, not a
     * duplicate. The dataset derived from the key ({@link DatasetName#fromObjectKey}) adds nothing, so every
     * announcement that lets the name be derived shares {@link #of(UploadSource)}.
     */
    public static JobId of(UploadSource source, DatasetName dataset) {
        if (dataset.equals(DatasetName.fromObjectKey(source.key()))) {
            return of(source);
        }
        return hash(source.identity() + "\u0000dataset:" + dataset.value());
    }

    private static JobId hash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8));
            return new JobId(HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** The two-digit shard that directories growing with the number of jobs are split by. */
    public String shard() {
        return value.substring(0, 2);
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
