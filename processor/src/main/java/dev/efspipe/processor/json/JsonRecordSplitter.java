package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.efspipe.job.InvalidInputException;

import java.io.BufferedInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits one JSON document into records with Jackson's streaming parser, in constant memory: only the
 * record being copied is ever held, and no record larger than {@link JsonLimits#maxRecordBytes()}.
 *
 * <p>Where the records are: at a JSON Pointer when the job names one ({@code /data/items}: an array
 * there gives its elements, an object its members); otherwise detected: a top-level array gives its
 * elements, NDJSON (one value per line; blank lines and CRLF allowed) its lines, and a top-level object
 * its members. A member becomes {@code {"key": name, "value": value}}.
 *
 * <p>Each record is copied as its bytes stood in the input, found by the parser's byte offsets (faster
 * than re-serialising, and exact: numbers and escapes are untouched), without CR and LF, which JSON
 * allows only between tokens. While finding a record's end the parser walks its tokens, which feeds the
 * {@link FieldSummary} and validates the record, UTF-8 included.
 *
 * <p>Policies: input must be UTF-8 (a UTF-8 byte order mark is skipped; UTF-16 and UTF-32 are refused
 * with a message saying so); a duplicate key inside a record is an error (the members of a top-level
 * object are records of their own, so a repeated member name gives two records); anything after the
 * root value is an error. The parser never closes the stream it reads ({@code AUTO_CLOSE_SOURCE} off): that
 * stream may be an archive entry with more entries behind it.
 */
public final class JsonRecordSplitter {
    /** How far the parser reads ahead of the token it returns (its input buffer is smaller). */
    private static final int READ_AHEAD = 64 * 1024;
    /** How much of a document's first line is examined to tell NDJSON from one pretty-printed object. */
    private static final int FIRST_LINE = 1 << 20;

    private final JsonFactory factory;
    private final JsonLimits limits;
    private final JsonStringEncoder encoder = JsonStringEncoder.getInstance();

    public JsonRecordSplitter(JsonLimits limits) {
        this.limits = limits;
        this.factory = new JsonFactoryBuilder()
                .streamReadConstraints(limits.constraints())
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                // Duplicate keys are found by the field walk (FieldSummary), which costs no hashing; Jackson's own
                // detection would also keep every member name of a huge top-level object in memory.
                .build();
    }

    public JsonRecordSplitter() {
        this(JsonLimits.DEFAULTS);
    }

    /** Splits with detection; see {@link #split(InputStream, String, String, RecordSink)}. */
    public long split(InputStream in, String source, RecordSink out) throws IOException {
        return split(in, source, null, out);
    }

    /**
     * Reads the document from {@code in} and writes its records to {@code out}.
     *
     * @param source  names the document in part files and error messages (an archive entry or the upload)
     * @param pointer where the records are, or null/empty to detect
     * @return how many records were written
     */
    public long split(InputStream in, String source, String pointer, RecordSink out) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 16);
        Shape shape = pointer != null && !pointer.isEmpty() ? Shape.POINTER : detect(buffered, source);
        RecordCapture capture = new RecordCapture(buffered, limits.maxRecordBytes(), READ_AHEAD);
        Run run = new Run(source, capture, out);
        try (JsonParser p = factory.createParser(capture)) {
            run.parser = p;
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new InvalidInputException(source + ": the JSON document is empty");
            }
            switch (shape) {
                case NDJSON -> {
                    do {
                        run.record(null);
                    } while (p.nextToken() != null);
                    return run.records;
                }
                case POINTER -> descend(p, JsonPointer.compile(pointer), source);
                default -> { }
            }
            JsonToken container = p.currentToken();
            if (container == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    run.record(null);
                }
            } else if (container == JsonToken.START_OBJECT) {
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    run.record(key);
                }
            } else {
                throw new InvalidInputException(source + ": the value " + (shape == Shape.POINTER ? "at " + pointer : "of the document")
                        + " is a single " + kind(container) + ", not an array or object of records");
            }
            finish(p, source, run.records);
            return run.records;
        } catch (RecordCapture.TooLarge e) {
            throw new InvalidInputException(String.format("%s: record %d (from byte %d) is larger than %d bytes (limit: %s)",
                    source, run.records, run.recordStart, limits.maxRecordBytes(),
                    limits.describe(JsonLimits.MAX_RECORD_BYTES, limits.maxRecordBytes())), e);
        } catch (StreamConstraintsException e) {
            // Jackson's constraint errors carry no location; the parser knows where it stopped.
            JsonLocation at = e.getLocation() != null ? e.getLocation() : run.parser == null ? null : run.parser.currentLocation();
            throw new InvalidInputException(source + ": " + constraint(e) + " at " + where(at, run.records), e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + ": invalid JSON at " + where(e.getLocation(), run.records)
                    + ": " + e.getOriginalMessage(), e);
        } catch (CharConversionException e) {
            throw new InvalidInputException(source + ": invalid UTF-8 near record " + run.records + ": " + e.getMessage(), e);
        }
    }

    private enum Shape { CONTAINER, NDJSON, POINTER }

    /** The state of one document's split. */
    private final class Run {
        final String source;
        final RecordCapture capture;
        final RecordSink out;
        JsonParser parser;
        long records;
        long recordStart;

        Run(String source, RecordCapture capture, RecordSink out) {
            this.source = source;
            this.capture = capture;
            this.out = out;
        }

        /** Copies the record whose first token is current; {@code key} makes it a {"key","value"} member. */
        void record(String key) throws IOException {
            JsonParser p = parser;
            JsonLocation first = p.currentTokenLocation();
            long start = first.getByteOffset();
            recordStart = start;
            if (out.skipping()) {
                p.skipChildren();
                out.skipRecord();
                records++;
                return;
            }
            // First the part to write to: opening it may end the invocation at a clean boundary (a suspension),
            // which must happen before this record counts anywhere.
            OutputStream target = out.recordStream(source);
            capture.mark(start);
            JsonToken t = p.currentToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                out.fields().walk(p);
            } else {
                p.finishToken(); // a lazily read string must be read to its end to know where it ends
            }
            JsonLocation last = p.currentLocation();
            long end = last.getByteOffset();
            if (end - start > limits.maxRecordBytes()) {
                throw new RecordCapture.TooLarge(); // the capture alone stops a record only past the limit plus its read-ahead
            }
            boolean oneLine = last.getLineNr() == first.getLineNr(); // Jackson counts CR, LF and CRLF as breaks
            if (key != null) {
                target.write(KEY_PREFIX);
                target.write(encoder.quoteAsUTF8(key));
                target.write(VALUE_PREFIX);
                capture.copy(start, end, oneLine, target);
                target.write('}');
            } else {
                capture.copy(start, end, oneLine, target);
            }
            capture.release(end);
            out.endRecord();
            records++;
        }
    }

    private static final byte[] KEY_PREFIX = "{\"key\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE_PREFIX = "\",\"value\":".getBytes(StandardCharsets.UTF_8);

    /** Moves the parser onto the container at {@code pointer}, validating everything it passes. */
    private static void descend(JsonParser p, JsonPointer pointer, String source) throws IOException {
        JsonPointer at = pointer;
        StringBuilder walked = new StringBuilder();
        while (!at.matches()) {
            JsonToken t = p.currentToken();
            String segment = at.getMatchingProperty();
            boolean found = false;
            if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals(segment)) {
                        found = true;
                        break;
                    }
                    p.skipChildren();
                }
            } else if (t == JsonToken.START_ARRAY && at.getMatchingIndex() >= 0) {
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (index++ == at.getMatchingIndex()) {
                        found = true;
                        break;
                    }
                    p.skipChildren();
                }
            }
            walked.append('/').append(segment);
            if (!found) {
                throw new InvalidInputException(source + ": the record pointer " + pointer + " does not exist in the document"
                        + " (nothing at " + walked + ")");
            }
            at = at.tail();
        }
    }

    /** After the records: the rest of the document must close properly, and nothing may follow it. */
    private static void finish(JsonParser p, String source, long records) throws IOException {
        while (!p.getParsingContext().inRoot()) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new InvalidInputException(source + ": the document ends before it is closed (after record " + records + ")");
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new InvalidInputException(source + ": unexpected content after the root value at " + where(p.currentTokenLocation(), records)
                    + " (one document holds one root value; NDJSON puts one value on each line)");
        }
    }

    /**
     * NDJSON or not: the first line is one complete JSON value and more follows. Refuses UTF-16 and
     * UTF-32, which Jackson would otherwise decode (without byte offsets).
     */
    private Shape detect(BufferedInputStream in, String source) throws IOException {
        in.mark(FIRST_LINE + 1);
        byte[] head = in.readNBytes(FIRST_LINE);
        in.reset();
        checkUtf8(head, source);
        int newline = -1;
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                newline = i;
                break;
            }
        }
        if (newline < 0 || !hasContentAfter(head, newline)) {
            return Shape.CONTAINER;
        }
        try (JsonParser p = factory.createParser(head, 0, newline)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return Shape.CONTAINER;
            }
            p.skipChildren();
            return p.nextToken() == null ? Shape.NDJSON : Shape.CONTAINER;
        } catch (JsonProcessingException e) {
            return Shape.CONTAINER; // the first line is part of a larger value
        }
    }

    private static boolean hasContentAfter(byte[] head, int from) {
        for (int i = from + 1; i < head.length; i++) {
            if (head[i] != ' ' && head[i] != '\t' && head[i] != '\r' && head[i] != '\n') {
                return true;
            }
        }
        return false;
    }

    private static void checkUtf8(byte[] head, String source) throws InvalidInputException {
        if (head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF) || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))
                || head.length >= 4 && (head[0] == 0 || head[1] == 0 || head[2] == 0 && head[3] != 0)) {
            throw new InvalidInputException(source + ": the document is UTF-16 or UTF-32; only UTF-8 JSON is read (convert it, e.g. with iconv)");
        }
    }

    private String constraint(StreamConstraintsException e) {
        String m = e.getOriginalMessage();
        String variable = m.contains("nesting depth") ? JsonLimits.MAX_DEPTH
                : m.contains("Number value length") || m.contains("number value length") ? JsonLimits.MAX_NUMBER_LENGTH
                : m.contains("Name length") || m.contains("name length") ? JsonLimits.MAX_NAME_LENGTH
                : m.contains("String value length") || m.contains("string value length") ? JsonLimits.MAX_STRING_LENGTH
                : m.contains("Document length") || m.contains("document length") ? JsonLimits.MAX_DOCUMENT_BYTES
                : null;
        String shortMessage = m.contains(" (from") ? m.substring(0, m.indexOf(" (from")) + ")" : m;
        shortMessage = shortMessage.replaceAll(", from `StreamReadConstraints[^`]*`", "");
        return variable == null ? shortMessage : shortMessage + " (limit set by " + variable + ", from "
                + limits.origins().getOrDefault(variable, "the default") + ")";
    }

    private static String kind(JsonToken token) {
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
