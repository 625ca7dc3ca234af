package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;

/**
 * Checks that bytes someone else produced (a record transform's result) are exactly one well-formed JSON
 * value, with one streaming pass and nothing kept: syntax and UTF-8, no duplicate key in any object, nothing
 * after the value, within the document limits and the record size. Thread-safe.
 */
public final class RecordCheck {
    private final JsonFactory strict;
    private final JsonFactory plain;
    private final JsonLimits limits;

    public RecordCheck(JsonLimits limits) {
        this.limits = limits;
        this.strict = new JsonFactoryBuilder().streamReadConstraints(limits.constraints())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        // With a summary the field walk finds duplicate keys itself, without Jackson's per-object name sets.
        this.plain = new JsonFactoryBuilder().streamReadConstraints(limits.constraints()).build();
    }

    /**
     * Checks {@code value}; with a {@code summary}, its fields are also counted there (the manifest's field
     * summary then describes the records as written).
     *
     * @throws IOException describing what is wrong and where (a {@link com.fasterxml.jackson.core.JsonProcessingException}
     *                     for bad JSON)
     */
    public void check(byte[] value, FieldSummary summary) throws IOException {
        if (value.length > limits.maxRecordBytes()) {
            throw new IOException("the record is " + value.length + " bytes, larger than " + limits.maxRecordBytes()
                    + " (limit: " + limits.describe(JsonLimits.MAX_RECORD_BYTES, limits.maxRecordBytes()) + ")");
        }
        try (JsonParser p = (summary == null ? strict : plain).createParser(value)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new JsonParseException(p, "no JSON value (" + value.length + " bytes of whitespace)");
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (summary != null) {
                    summary.walk(p);
                } else {
                    int depth = 1;
                    while (depth > 0) {
                        t = p.nextToken();
                        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                            depth++;
                        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                            depth--;
                        }
                    }
                }
            } else {
                p.finishToken(); // a string read to its end, so its UTF-8 and escapes are checked
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "content after the JSON value at byte " + p.currentTokenLocation().getByteOffset()
                        + " (a record is one value)");
            }
        }
    }
}
