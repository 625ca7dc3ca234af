package dev.efspipe.layout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * A published version's name: {@code <UTC upload time, ms>-<first 12 hex of the job id>}, e.g.
 * {@code 20261126T061500.123Z-3f2a9c0d11be}. Versions of one dataset sort by upload time as strings (the
 * job id breaks ties); the name is fixed by the job's first claim, so a re-run publishes to the same
 * directory and never a second version.
 *
 * <p>In JSON a version is a plain string; the object form of builds before job record schema 2
 * ({@code {"value": "…"}}) is still read.
 */
public record Version(String value) implements Comparable<Version> {
    private static final Pattern VALID = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{12}");
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    public Version {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid version name '" + DatasetName.printable(value) + "'");
        }
    }

    public static Version of(Instant at, JobId job) {
        return new Version(FORMAT.format(at) + "-" + job.value().substring(0, 12));
    }

    /** A version named by a time and 12 hex digits of something else that identifies it (a plugin jar's SHA-256). */
    public static Version of(Instant at, String hex12) {
        return new Version(FORMAT.format(at) + "-" + hex12);
    }

    /** The time the name starts with. */
    public Instant instant() {
        return LocalDateTime.parse(value.substring(0, 19), DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS"))
                .toInstant(ZoneOffset.UTC);
    }

    /** Reads {@code "20261126T061500.123Z-3f2a9c0d11be"}, and the older {@code {"value": …}}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Version fromJson(JsonNode node) {
        return new Version(JsonValues.text(node, "version"));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    public static boolean isValid(String s) {
        return s != null && VALID.matcher(s).matches();
    }

    @Override
    public int compareTo(Version o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
