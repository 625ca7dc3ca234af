package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.StreamReadConstraints;

import java.util.Map;

/**
 * The limits a JSON document is read under, as a first-class value (the role Jackson's
 * {@link StreamReadConstraints} plays for the parser): each comes from an environment variable or a safe
 * default, and remembers which, so an error can say where its limit came from.
 *
 * @param maxDepth          nesting depth of objects and arrays
 * @param maxNumberLength   digits in one number
 * @param maxNameLength     characters in one field name
 * @param maxStringLength   characters in one decoded string (names and the few strings that are decoded);
 *                          skipped string values are bounded by {@code maxRecordBytes} instead
 * @param maxDocumentBytes  bytes in one document, or -1 for no limit
 * @param maxRecordBytes    bytes in one record: the most the splitter ever holds in memory
 * @param origins           for each limit's variable name, {@code "the default"} or {@code "<VARIABLE>"}
 */
public record JsonLimits(int maxDepth, int maxNumberLength, int maxNameLength, int maxStringLength,
                         long maxDocumentBytes, int maxRecordBytes, Map<String, String> origins) {
    public static final String MAX_DEPTH = "PIPELINE_JSON_MAX_DEPTH";
    public static final String MAX_NUMBER_LENGTH = "PIPELINE_JSON_MAX_NUMBER_LENGTH";
    public static final String MAX_NAME_LENGTH = "PIPELINE_JSON_MAX_NAME_LENGTH";
    public static final String MAX_STRING_LENGTH = "PIPELINE_JSON_MAX_STRING_LENGTH";
    public static final String MAX_DOCUMENT_BYTES = "PIPELINE_JSON_MAX_DOCUMENT_BYTES";
    public static final String MAX_RECORD_BYTES = "PIPELINE_JSON_MAX_RECORD_BYTES";

    /** Safe defaults: deep enough for real data, small enough that no record or token exhausts a Lambda's memory. */
    public static final JsonLimits DEFAULTS = fromEnvironment(Map.of());

    public JsonLimits {
        origins = Map.copyOf(origins);
        if (maxDepth < 1 || maxNumberLength < 1 || maxNameLength < 1 || maxStringLength < 1 || maxRecordBytes < 16) {
            throw new IllegalArgumentException("JSON limits must be positive (record bytes at least 16): " + this);
        }
    }

    public static JsonLimits fromEnvironment(Map<String, String> env) {
        java.util.HashMap<String, String> origins = new java.util.HashMap<>();
        return new JsonLimits(
                (int) read(env, MAX_DEPTH, 500, origins),
                (int) read(env, MAX_NUMBER_LENGTH, 1000, origins),
                (int) read(env, MAX_NAME_LENGTH, 50_000, origins),
                (int) read(env, MAX_STRING_LENGTH, 20_000_000, origins),
                read(env, MAX_DOCUMENT_BYTES, -1, origins),
                (int) read(env, MAX_RECORD_BYTES, 64L * 1024 * 1024, origins),
                origins);
    }

    /** The same limits with a different record bound (tests, and callers with their own budget). */
    public JsonLimits withMaxRecordBytes(int bytes) {
        java.util.HashMap<String, String> o = new java.util.HashMap<>(origins);
        o.put(MAX_RECORD_BYTES, "a caller's setting");
        return new JsonLimits(maxDepth, maxNumberLength, maxNameLength, maxStringLength, maxDocumentBytes, bytes, o);
    }

    public JsonLimits withMaxDepth(int depth) {
        java.util.HashMap<String, String> o = new java.util.HashMap<>(origins);
        o.put(MAX_DEPTH, "a caller's setting");
        return new JsonLimits(depth, maxNumberLength, maxNameLength, maxStringLength, maxDocumentBytes, maxRecordBytes, o);
    }

    StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxNumberLength(maxNumberLength)
                .maxNameLength(maxNameLength)
                .maxStringLength(maxStringLength)
                .maxDocumentLength(maxDocumentBytes)
                .build();
    }

    /** "PIPELINE_JSON_MAX_DEPTH = 500, from the default" */
    String describe(String variable, Object value) {
        return variable + " = " + value + ", from " + origins.getOrDefault(variable, "the default");
    }

    private static long read(Map<String, String> env, String name, long fallback, Map<String, String> origins) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            origins.put(name, "the default");
            return fallback;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v > Integer.MAX_VALUE && !name.equals(MAX_DOCUMENT_BYTES)) {
                throw new NumberFormatException();
            }
            origins.put(name, "the environment (" + name + ")");
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number up to " + Integer.MAX_VALUE + ", got '" + raw + "'");
        }
    }
}
