package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.processor.output.StagingOutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Splits one JSON document into records with Jackson's streaming parser, in constant memory: only the
 * record being copied is ever in flight, token by token.
 *
 * <ul>
 *   <li>a top-level array: each element is a record;</li>
 *   <li>a top-level object: each member becomes {@code {"key": name, "value": value}}.</li>
 * </ul>
 *
 * The parser never closes the stream it reads ({@code AUTO_CLOSE_SOURCE} off), because that stream may
 * be an entry of an archive that is still being read. Anything after the root value is an error.
 */
public final class JsonRecordSplitter {
    private final JsonFactory factory;

    public JsonRecordSplitter(StreamReadConstraints constraints) {
        this.factory = new JsonFactoryBuilder()
                .rootValueSeparator((String) null)
                .streamReadConstraints(constraints)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    public JsonRecordSplitter() {
        this(StreamReadConstraints.defaults());
    }

    /**
     * Reads the document from {@code in} and writes its records to {@code out}.
     *
     * @param source names the document in part files and error messages (an archive entry or the upload)
     * @return how many records were written
     */
    public long split(InputStream in, String source, StagingOutput out) throws IOException {
        long records = 0;
        try (JsonParser p = factory.createParser(in)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new InvalidInputException(source + ": the JSON document is empty");
            }
            if (root == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copy(p, out.recordStream(source), null);
                    out.endRecord();
                    records++;
                }
            } else if (root == JsonToken.START_OBJECT) {
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    copy(p, out.recordStream(source), key);
                    out.endRecord();
                    records++;
                }
            } else {
                throw new InvalidInputException(source + ": the JSON document is a single " + scalarKind(root)
                        + " value, not an array or object of records");
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new InvalidInputException(source + ": unexpected content after the root value at " + where(p.currentTokenLocation(), records)
                        + " (one document holds one root value; NDJSON is not read by this build)");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + ": invalid JSON at " + where(e.getLocation(), records)
                    + ": " + e.getOriginalMessage(), e);
        }
        return records;
    }

    private void copy(JsonParser p, OutputStream target, String key) throws IOException {
        // "Exact" copies numbers as written: the plain copy passes floats through double (1e400 became "Infinity").
        try (JsonGenerator g = factory.createGenerator(target)) {
            if (key != null) {
                g.writeStartObject();
                g.writeStringField("key", key);
                g.writeFieldName("value");
                g.copyCurrentStructureExact(p);
                g.writeEndObject();
            } else {
                g.copyCurrentStructureExact(p);
            }
        }
    }

    private static String scalarKind(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static String where(JsonLocation loc, long record) {
        if (loc == null) {
            return "record " + record;
        }
        return "record " + record + ", byte " + loc.getByteOffset() + ", line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
