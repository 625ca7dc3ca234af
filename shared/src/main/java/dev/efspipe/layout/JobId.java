package dev.efspipe.layout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The identity of one upload: 32 lowercase hex digits of SHA-256 over the upload's source
 * (its {@code identity()}, see {@code dev.efspipe.job.UploadSource#jobId()}). Two announcements of the same
 * object map to the same id, which is what makes the processor's claim on EFS de-duplicate them exactly. It
 * lives with the layout because the layout's paths are made of it ({@code jobs/<shard>/<id>.json}).
 */
public record JobId(String value) {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{32}");

    @JsonCreator
    public JobId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid job id '" + value + "': expected 32 lowercase hex digits");
        }
    }

    /** The id of an upload whose identity string is {@code identity}. */
    public static JobId ofIdentity(String identity) {
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
