package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.efspipe.config.Settings;

import java.util.HashMap;
import java.util.List;
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
 * @param origins           for each limit's variable name, {@code "the default"} or {@code "the environment (<VARIABLE>)"}
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
    public static final JsonLimits DEFAULTS = from(Settings.environment(Map.of()));

    public JsonLimits {
        origins = Map.copyOf(origins);
        if (maxDepth < 1 || maxNumberLength < 1 || maxNameLength < 1 || maxStringLength < 1 || maxRecordBytes < 16) {
            throw new IllegalArgumentException("JSON limits must be positive (record bytes at least 16): " + this);
        }
    }

    /** Reads the {@code PIPELINE_JSON_*} variables; each limit remembers whether it was set or is the default. */
    public static JsonLimits from(Settings settings) {
        Map<String, String> origins = new HashMap<>();
        for (String name : List.of(MAX_DEPTH, MAX_NUMBER_LENGTH, MAX_NAME_LENGTH, MAX_STRING_LENGTH, MAX_DOCUMENT_BYTES,
                MAX_RECORD_BYTES)) {
            origins.put(name, settings.originOf(name));
        }
        return new JsonLimits(
                settings.intValue(MAX_DEPTH, 500, 1, Integer.MAX_VALUE, "levels"),
                settings.intValue(MAX_NUMBER_LENGTH, 1000, 1, Integer.MAX_VALUE, "characters"),
                settings.intValue(MAX_NAME_LENGTH, 50_000, 1, Integer.MAX_VALUE, "characters"),
                settings.intValue(MAX_STRING_LENGTH, 20_000_000, 1, Integer.MAX_VALUE, "characters"),
                settings.longValue(MAX_DOCUMENT_BYTES, -1, 1, Long.MAX_VALUE, "bytes"),
                settings.intValue(MAX_RECORD_BYTES, 64 * 1024 * 1024, 16, Integer.MAX_VALUE, "bytes"),
                origins);
    }

    /** The same limits with a different record bound (tests, and callers with their own budget). */
    public JsonLimits withMaxRecordBytes(int bytes) {
        HashMap<String, String> o = new HashMap<>(origins);
        o.put(MAX_RECORD_BYTES, "a caller's setting");
        return new JsonLimits(maxDepth, maxNumberLength, maxNameLength, maxStringLength, maxDocumentBytes, bytes, o);
    }

    public JsonLimits withMaxDepth(int depth) {
        HashMap<String, String> o = new HashMap<>(origins);
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
        return variable + " = " + value + ", from " + origins.getOrDefault(variable, Settings.DEFAULT);
    }
}
