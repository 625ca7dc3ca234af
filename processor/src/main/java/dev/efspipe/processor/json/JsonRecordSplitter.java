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
import dev.efspipe.processor.format.TextEncoding;
import dev.efspipe.text.Printable;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.SequenceInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Splits one JSON document into records with Jackson's streaming parser, in one pass and constant memory: only
 * the record being copied is ever held, and no record larger than {@link JsonLimits#maxRecordBytes()}.
 *
 * <p>Where the records are:
 * <ul>
 *   <li>at a JSON Pointer when the job names one ({@code /data/items}), always: an array there gives its
 *       elements, an object its members;</li>
 *   <li>NDJSON (the first line is one complete value and more follows; blank lines and CRLF allowed): its lines;</li>
 *   <li>a top-level array: its elements;</li>
 *   <li>a top-level object whose members include an array ({@code {"meta": {…}, "records": […]}}, an API's
 *       {@code {"count": 2, "results": […]}}): the elements of each array member, each array's records in parts of
 *       their own that name its pointer ({@code /records}); the other members are the document's metadata, kept
 *       (bounded) in the manifest. A GeoJSON {@code FeatureCollection} (a {@code "type": "FeatureCollection"}
 *       member before its arrays) gives its {@code features} only; its other arrays ({@code bbox}) are metadata;</li>
 *   <li>a top-level object without an array member (a map of id to value, of any size): its members, each as
 *       {@code {"key": name, "value": value}}.</li>
 * </ul>
 *
 * <p>Which of the last two an object is, is decided in the same single pass by a bounded look-ahead: its members
 * are held (as their bytes, in the parser's capture) until the first array member appears. If it appears within
 * the first {@value #LOOKAHEAD_BYTES} bytes of the object (counted from its {@code {} to the end of the last
 * member before the array), the held members are metadata and the arrays give the records. If the members
 * before any array take more than that (the member that crosses the bound is the last held one), or the object
 * ends without an array, the held members are written as member records, from the first, and the rest of the
 * object follows as member records too. So a large map costs {@value #LOOKAHEAD_BYTES} bytes of memory at most,
 * and a document whose metadata before its array is larger than that is read as a map (its array then becomes
 * one record; name it with a pointer). At most {@value #MAX_RECORD_ARRAYS} arrays of one object give records:
 * more looks like a map of arrays, and is refused with a message saying how to name the records.
 *
 * <p>Each record is copied as its bytes stood in the input, found by the parser's byte offsets (faster than
 * re-serialising, and exact: numbers and escapes are untouched), without CR and LF, which JSON allows only
 * between tokens. While finding a record's end the parser walks its tokens, which feeds the {@link FieldSummary}
 * and validates the record, UTF-8 included.
 *
 * <p>Policies: input must be UTF-8 (a UTF-8 byte order mark is skipped; UTF-16 and UTF-32 are refused with a
 * message saying so); a duplicate key inside a record or a metadata value is an error; the members of a map-like
 * top-level object are records of their own, so a repeated member name gives two records (remembering every name
 * would not be constant memory), while two record arrays of the same name are an error; anything after the root
 * value is an error. Errors name the document, the record, the line, column and byte offset (NDJSON: the line
 * first); text from the input in a message is escaped ({@link Printable}). The parser never closes the stream it
 * reads ({@code AUTO_CLOSE_SOURCE} off): that stream may be an archive entry with more entries behind it.
 */
public final class JsonRecordSplitter {
    /** How far the parser reads ahead of the token it returns (its input buffer is smaller). */
    private static final int READ_AHEAD = 64 * 1024;
    /** How much of a document's first line is examined to tell NDJSON from one pretty-printed object. */
    private static final int FIRST_LINE = 1 << 20;
    /** How much of a top-level object is held while looking for its first array member. */
    public static final int LOOKAHEAD_BYTES = 1 << 20;
    /** How many array members of one top-level object give records before it counts as a map of arrays. */
    public static final int MAX_RECORD_ARRAYS = 100;

    private final JsonFactory factory;
    private final JsonLimits limits;
    private final boolean scan;
    private final JsonStringEncoder encoder = JsonStringEncoder.getInstance();

    public JsonRecordSplitter(JsonLimits limits) {
        this(limits, true);
    }

    /**
     * @param scan whether top-level arrays and NDJSON are read by {@link RecordScanner} (false: by Jackson's parser,
     *             the reference the scanner's tests hold it to)
     */
    JsonRecordSplitter(JsonLimits limits, boolean scan) {
        this.scan = scan;
        this.limits = limits;
        this.factory = new JsonFactoryBuilder()
                .streamReadConstraints(limits.constraints())
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                // Duplicate keys are found by the field walk (FieldSummary), which costs no hashing; Jackson's own
                // detection would also keep every member name of a huge top-level object in memory.
                // Names stay canonicalised (records repeat their names: one String each, compared by identity in the
                // field walk) but are not interned: String.intern() of the millions of distinct member names of a
                // map-like document cost it most of its time (4.5x slower, measured), and records gain nothing by it.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
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
        if (scan && (shape == Shape.NDJSON || shape == Shape.ARRAY)) {
            Run run = new Run(source, null, out, shape == Shape.NDJSON);
            try {
                return run.scan(new RecordScanner(buffered, factory, limits), shape);
            } catch (IOException e) {
                throw explained(e, source, run);
            }
        }
        RecordCapture capture = new RecordCapture(buffered, limits.maxRecordBytes(), READ_AHEAD);
        Run run = new Run(source, capture, out, shape == Shape.NDJSON);
        run.input = buffered;
        try (JsonParser p = factory.createParser(capture)) {
            run.parser = p;
            JsonToken root = p.nextToken();
            run.started = true;
            if (root == null) {
                long bytes = capture.position();
                throw new InvalidInputException(shown(source) + (bytes == 0 ? ": the JSON document is empty (0 bytes)"
                        : ": the JSON document holds nothing but whitespace (" + bytes + " bytes, to " + at(p.currentLocation()) + ")")
                        + "; a document holds an array or an object of records");
            }
            if (shape == Shape.NDJSON) {
                do {
                    run.record(null);
                } while (p.nextToken() != null);
                return run.records;
            }
            if (shape == Shape.POINTER) {
                descend(p, JsonPointer.compile(pointer), source);
            }
            JsonToken container = p.currentToken();
            if (container == JsonToken.START_ARRAY) {
                run.elements(shape == Shape.POINTER ? pointer : "");
            } else if (container == JsonToken.START_OBJECT && shape == Shape.POINTER) {
                run.members(pointer);
            } else if (container == JsonToken.START_OBJECT) {
                run.topLevelObject();
            } else {
                throw new InvalidInputException(shown(source) + ": the value " + (shape == Shape.POINTER ? "at " + Printable.escape(pointer)
                        : "of the document") + " is " + kind(container) + ", not an array or object of records (at "
                        + at(p.currentTokenLocation()) + ")");
            }
            if (!run.tookOver) {
                finish(p, source, run);
            }
            return run.records;
        } catch (IOException e) {
            throw explained(e, source, run);
        }
    }

    /** A failure of a split said with its document, record and place; an I/O failure of the input as it is. */
    private IOException explained(IOException failure, String source, Run run) {
        if (failure instanceof RecordCapture.TooLarge) {
            return new InvalidInputException(String.format("%s: record %d (from %s) is larger than %d bytes (limit: %s)%s",
                    shown(source), run.index(), run.first() == null ? "byte " + run.recordStart : run.from(run.first()),
                    limits.maxRecordBytes(), limits.describe(JsonLimits.MAX_RECORD_BYTES, limits.maxRecordBytes()),
                    run.member && "".equals(run.pointer) ? "; the records of this document are the members of its top-level object, which has no array"
                            + " member in its first " + LOOKAHEAD_BYTES + " bytes: if the records are inside one member, name"
                            + " them with a JSON Pointer (./pipeline process --record-pointer, PIPELINE_RECORD_POINTERS, or"
                            + " the efs-upload message's recordPointer)" : ""), failure);
        }
        if (failure instanceof StreamConstraintsException e) {
            // Jackson's constraint errors carry no location; the parser knows where it stopped.
            JsonLocation at = e.getLocation() != null ? e.getLocation() : run.parser == null ? null : run.parser.currentLocation();
            return new InvalidInputException(shown(source) + ": " + constraint(e) + " at " + run.where(at), e);
        }
        if (failure instanceof JsonProcessingException e) {
            return new InvalidInputException(shown(source) + ": invalid JSON at "
                    + (run.started || e.getLocation() == null ? run.where(e.getLocation()) : at(e.getLocation()))
                    + ": " + explain(e.getOriginalMessage()), e);
        }
        if (failure instanceof CharConversionException) {
            return new InvalidInputException(shown(source) + ": invalid UTF-8 near record " + run.index() + ": " + failure.getMessage(), failure);
        }
        return failure;
    }

    /**
     * CONTAINER: an object, or anything that is not a record container (read by Jackson's parser, which says what
     * it is); ARRAY: a top-level array; NDJSON; POINTER: the job names where the records are. The records of ARRAY
     * and NDJSON documents are found by {@link RecordScanner}.
     */
    private enum Shape { CONTAINER, ARRAY, NDJSON, POINTER }

    /** The state of one document's split. */
    private final class Run {
        final String source;
        final RecordCapture capture;
        final RecordSink out;
        final boolean ndjson;
        JsonParser parser;
        /** What the parser reads through the capture (the scanner takes it over from the parser). */
        InputStream input;
        /** The scanner took the document over from the parser and read it to its end. */
        boolean tookOver;
        /** The root's first token was read: errors from here on are inside the records. */
        boolean started;
        long records;
        /** Records held by the look-ahead, not written yet: the record being read is number records + pending. */
        long pending;
        /** The JSON Pointer of the array (or object) the records being written come from; null for NDJSON. */
        String pointer;
        /** The records are members of the top-level object ({"key","value"}). */
        boolean member;
        long recordStart;
        JsonLocation recordFirst;
        /** The scanner reading the records, which knows where the current one starts (made into a location on demand). */
        RecordScanner scanner;
        private byte[] keyBytes = new byte[64];

        Run(String source, RecordCapture capture, RecordSink out, boolean ndjson) {
            this.source = source;
            this.capture = capture;
            this.out = out;
            this.ndjson = ndjson;
        }

        long index() {
            return records + pending;
        }

        /** Where the current record starts, when known. */
        JsonLocation first() {
            return scanner != null ? scanner.recordLocation() : recordFirst;
        }

        /** The records of a top-level array or of NDJSON, found by the scanner in the bytes; returns their count. */
        long scan(RecordScanner s, Shape shape) throws IOException {
            s.skipByteOrderMark();
            started = true;
            if (shape == Shape.NDJSON) {
                s.rootValues();
                while (s.skipWhitespace() >= 0) {
                    scanned(s);
                }
                return records;
            }
            pointer = "";
            s.openRootArray();
            int c = s.skipWhitespace();
            if (c == ']') {
                s.consume();
            } else {
                s.firstElement(true);
                while (true) {
                    scanned(s);
                    s.firstElement(false);
                    c = s.skipWhitespace();
                    if (c == ',') {
                        s.consume();
                        s.skipWhitespace();
                    } else if (c == ']') {
                        s.consume();
                        break;
                    } else {
                        throw s.badSeparator();
                    }
                }
            }
            trailing(s);
            return records;
        }

        /**
         * The rest of a map-like top-level object, after the held members (the parser is after the last one's value):
         * the scanner takes over from the parser, with the bytes the parser read ahead and the rest of the input, and
         * reads the members as records to the object's end and then the end of the document.
         */
        private void scanMembers(JsonLocation open) throws IOException {
            JsonLocation at = parser.currentLocation();
            ByteArrayOutputStream readAhead = new ByteArrayOutputStream();
            parser.releaseBuffered(readAhead);
            InputStream rest = new SequenceInputStream(new ByteArrayInputStream(readAhead.toByteArray()), RecordScanner.unclosed(input));
            RecordScanner s = RecordScanner.afterMember(rest, factory, limits, at, open);
            tookOver = true;
            // The record steps below repeat scanned(RecordScanner)'s on purpose: one method for both (a flag for the
            // member's key) made the array path 30% slower in-process (570 -> 420 MB/s of CPU, measured), the JIT no
            // longer compiling the element loop as tightly.
            while (true) {
                int c = s.skipWhitespace();
                if (c == '}') {
                    s.consume();
                    break;
                }
                if (c != ',') {
                    throw s.badMemberSeparator();
                }
                s.consume();
                s.skipWhitespace();
                int escapes = s.beginMember();
                recordStart = s.recordStart();
                scanner = s;
                if (out.skipping()) {
                    s.scanRecord(null);
                    s.endRecord();
                    out.skipRecord();
                    records++;
                    continue;
                }
                OutputStream target = out.recordStream(source, pointer);
                s.scanRecord(out.fields());
                if (s.recordLength() > limits.maxRecordBytes()) {
                    throw new RecordCapture.TooLarge();
                }
                target.write(KEY_PREFIX);
                if (escapes == 0) {
                    s.writeName(target); // valid JSON string content as it stands
                } else {
                    writeKey(s.name(escapes), target); // written as the parser's path writes it
                }
                target.write(VALUE_PREFIX);
                s.writeRecord(target);
                target.write('}');
                s.endRecord();
                out.endRecord();
                records++;
            }
            trailing(s);
        }

        /** Nothing but whitespace may follow the root value. */
        private void trailing(RecordScanner s) throws IOException {
            if (s.skipWhitespace() >= 0) {
                JsonLocation after = s.location();
                JsonProcessingException e = s.trailing();
                throw trailingContent(source, this, e == null ? after : e.getLocation(), e == null ? "" : ": " + explain(e.getOriginalMessage()));
            }
        }

        /** One record at the scanner's position: scanned (its fields summed up), written, counted. */
        private void scanned(RecordScanner s) throws IOException {
            s.beginRecord();
            recordStart = s.recordStart();
            scanner = s;
            if (out.skipping()) {
                s.scanRecord(null);
                s.endRecord();
                out.skipRecord();
                records++;
                return;
            }
            // The part first: opening it may suspend the job at a clean boundary, before this record counts anywhere.
            OutputStream target = out.recordStream(source, pointer);
            s.scanRecord(out.fields());
            if (s.recordLength() > limits.maxRecordBytes()) {
                throw new RecordCapture.TooLarge();
            }
            s.writeRecord(target);
            s.endRecord();
            out.endRecord();
            records++;
        }

        /** The parser is on an array's start: its elements are the records. */
        void elements(String pointer) throws IOException {
            this.pointer = pointer;
            JsonParser p = parser;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                record(null);
            }
        }

        /** The parser is on an object's start: its members are the records. */
        void members(String pointer) throws IOException {
            this.pointer = pointer;
            this.member = true;
            JsonParser p = parser;
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String key = p.currentName();
                p.nextToken();
                record(key);
            }
        }

        /** Copies the record whose first token is current; {@code key} makes it a {"key","value"} member. */
        void record(String key) throws IOException {
            JsonParser p = parser;
            JsonLocation first = p.currentTokenLocation();
            long start = first.getByteOffset();
            recordStart = start;
            recordFirst = first;
            if (out.skipping()) {
                p.skipChildren();
                out.skipRecord();
                records++;
                return;
            }
            // First the part to write to: opening it may end the invocation at a clean boundary (a suspension),
            // which must happen before this record counts anywhere.
            OutputStream target = out.recordStream(source, pointer);
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
            write(key, start, end, oneLine, target);
            capture.release(end);
            out.endRecord();
            records++;
        }

        /**
         * A member's name as a JSON string's content. Printable ASCII without quote or backslash (most keys) is
         * written as it is from one reused buffer; anything else is escaped by Jackson, into a new array each time
         * (which, for the millions of members of a map-like document, was a fifth of its time).
         */
        private void writeKey(String key, OutputStream target) throws IOException {
            int n = key.length();
            if (keyBytes.length < n) {
                keyBytes = new byte[Math.max(n, 2 * keyBytes.length)];
            }
            for (int i = 0; i < n; i++) {
                char c = key.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                    target.write(encoder.quoteAsUTF8(key));
                    return;
                }
                keyBytes[i] = (byte) c;
            }
            target.write(keyBytes, 0, n);
        }

        private void write(String key, long start, long end, boolean oneLine, OutputStream target) throws IOException {
            if (key != null) {
                target.write(KEY_PREFIX);
                writeKey(key, target);
                target.write(VALUE_PREFIX);
                capture.copy(start, end, oneLine, target);
                target.write('}');
            } else {
                capture.copy(start, end, oneLine, target);
            }
        }

        /**
         * The parser is on the top-level object's start: looks ahead for an array member (see the class comment)
         * and splits the object accordingly.
         */
        void topLevelObject() throws IOException {
            JsonParser p = parser;
            JsonLocation open = p.currentTokenLocation();
            long start = open.getByteOffset();
            // Everything from the '{' stays in the capture while looking ahead; a member that runs past the look-ahead
            // becomes a record, so it may take up to the record limit beyond it.
            capture.mark(start, (long) LOOKAHEAD_BYTES + limits.maxRecordBytes());
            FieldSummary check = new FieldSummary(); // duplicate keys in held values, found where they are
            boolean featureCollection = false;
            int held = 0;
            long heldEnd = start + 1;
            member = true;
            pointer = "";
            while (true) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_OBJECT) {
                    replayAsRecords(open, heldEnd, held); // no array: a map, and its members are the records
                    capture.release(p.currentLocation().getByteOffset());
                    return;
                }
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_ARRAY && (!featureCollection || key.equals("features"))) {
                    keepAsMetadata(open, heldEnd, held);
                    capture.release(p.currentTokenLocation().getByteOffset());
                    member = false;
                    arrays(key, featureCollection);
                    return;
                }
                pending = held;
                recordStart = p.currentTokenLocation().getByteOffset();
                recordFirst = null;
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    check.walk(p);
                } else {
                    p.finishToken();
                    featureCollection |= key.equals("type") && value == JsonToken.VALUE_STRING && p.getText().equals("FeatureCollection");
                }
                heldEnd = p.currentLocation().getByteOffset();
                held++;
                if (heldEnd - start > LOOKAHEAD_BYTES) {
                    // No array in sight: a map. Its members are the records, from the first one.
                    replayAsRecords(open, heldEnd, held);
                    capture.release(heldEnd);
                    if (scan) {
                        scanMembers(open);
                    } else {
                        members("");
                    }
                    return;
                }
            }
        }

        /**
         * The parser is on the start of the first array member, named {@code key}: every array member's elements
         * are records (in parts that name its pointer), every other member is metadata, to the end of the object.
         */
        private void arrays(String key, boolean featureCollection) throws IOException {
            JsonParser p = parser;
            Set<String> arrays = new HashSet<>();
            FieldSummary check = new FieldSummary();
            JsonToken value = JsonToken.START_ARRAY;
            while (true) {
                if (value == JsonToken.START_ARRAY && (!featureCollection || key.equals("features"))) {
                    JsonLocation at = p.currentTokenLocation();
                    if (!arrays.add(key)) {
                        throw new InvalidInputException(shown(source) + ": the top-level member '" + Printable.escape(key, 200)
                                + "' appears twice (at " + at(at) + "); each array of records needs a name of its own");
                    }
                    if (arrays.size() > MAX_RECORD_ARRAYS) {
                        throw new InvalidInputException(shown(source) + ": the top-level object has more than " + MAX_RECORD_ARRAYS
                                + " members whose values are arrays (the next is '" + Printable.escape(key, 200) + "' at "
                                + at(at) + "), each of which would be a set of parts of its own: this looks like a map of"
                                + " arrays. Name the array of records with a JSON Pointer, or write the records as NDJSON");
                    }
                    elements(pointerTo(key));
                } else {
                    featureCollection |= metadataMember(key, value, check);
                }
                if (p.nextToken() == JsonToken.END_OBJECT) {
                    return;
                }
                key = p.currentName();
                value = p.nextToken();
            }
        }

        /** Reads one member that is not records: into the manifest's metadata if it fits. Returns whether it says FeatureCollection. */
        private boolean metadataMember(String key, JsonToken value, FieldSummary check) throws IOException {
            JsonParser p = parser;
            long start = p.currentTokenLocation().getByteOffset();
            int room = out.metadataRoom();
            if (room > 0) {
                capture.markSoft(start, room);
            }
            boolean featureCollection = false;
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                check.walk(p);
            } else {
                p.finishToken();
                featureCollection = key.equals("type") && value == JsonToken.VALUE_STRING && p.getText().equals("FeatureCollection");
            }
            long end = p.currentLocation().getByteOffset();
            boolean kept = room > 0 && !capture.overflowed() && end - start <= room;
            out.metadata(source, key, kept ? capture.buffer() : null, kept ? capture.indexOf(start) : 0, (int) (end - start), end - start);
            capture.release(end);
            return featureCollection;
        }

        /** The members held from {@code open} (to {@code end}, {@code count} of them) become records, in order. */
        private void replayAsRecords(JsonLocation open, long end, int count) throws IOException {
            replay(open, end, count, true);
        }

        /** The members held from {@code open} become the document's metadata. */
        private void keepAsMetadata(JsonLocation open, long end, int count) throws IOException {
            replay(open, end, count, false);
        }

        /**
         * Reads the held bytes again with a parser of their own, member by member: as records (fed to the field
         * summary, and passed over when an earlier invocation wrote them) or as metadata. They were validated as
         * they were read, duplicate keys included.
         */
        private void replay(JsonLocation open, long end, int count, boolean asRecords) throws IOException {
            if (count == 0) {
                return;
            }
            pending = 0;
            long base = open.getByteOffset();
            int from = capture.indexOf(base);
            try (JsonParser held = factory.createParser(capture.buffer(), from, (int) (end - base))) {
                held.nextToken(); // the '{'
                for (int i = 0; i < count; i++) {
                    held.nextToken();
                    String key = held.currentName();
                    JsonToken t = held.nextToken();
                    JsonLocation first = held.currentTokenLocation();
                    long start = base + first.getByteOffset();
                    if (!asRecords) {
                        held.skipChildren();
                        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
                            held.finishToken();
                        }
                        long stop = base + held.currentLocation().getByteOffset();
                        out.metadata(source, key, stop - start <= out.metadataRoom() ? capture.buffer() : null,
                                capture.indexOf(start), (int) (stop - start), stop - start);
                        continue;
                    }
                    recordStart = start;
                    recordFirst = null;
                    if (out.skipping()) {
                        held.skipChildren();
                        out.skipRecord();
                        records++;
                        continue;
                    }
                    OutputStream target = out.recordStream(source, pointer);
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        out.fields().walk(held);
                    } else {
                        held.finishToken();
                    }
                    JsonLocation last = held.currentLocation();
                    long stop = base + last.getByteOffset();
                    if (stop - start > limits.maxRecordBytes()) {
                        throw new RecordCapture.TooLarge();
                    }
                    write(key, start, stop, last.getLineNr() == first.getLineNr(), target);
                    out.endRecord();
                    records++;
                }
            }
        }

        /** "record 4, byte 52, line 3, column 7"; for NDJSON, the line first: "line 5, column 7 (record 4, byte 52)". */
        String where(JsonLocation loc) {
            if (loc == null) {
                return "record " + index();
            }
            if (ndjson) {
                return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + " (record " + index() + ", byte " + loc.getByteOffset() + ")";
            }
            return "record " + index() + ", byte " + loc.getByteOffset() + ", line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        }

        /** Where a record starts: "byte 10, line 1, column 11" (NDJSON: "line 4, byte 52"). */
        String from(JsonLocation first) {
            return ndjson ? "line " + first.getLineNr() + ", byte " + first.getByteOffset()
                    : "byte " + first.getByteOffset() + ", line " + first.getLineNr() + ", column " + first.getColumnNr();
        }
    }

    /** The JSON Pointer of a member of the root object: {@code /name}, with {@code ~} and {@code /} escaped. */
    static String pointerTo(String name) {
        return "/" + name.replace("~", "~0").replace("/", "~1");
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
                throw new InvalidInputException(shown(source) + ": the record pointer " + Printable.escape(pointer.toString())
                        + " does not exist in the document (nothing at " + Printable.escape(walked.toString()) + ")");
            }
            at = at.tail();
        }
    }

    /** After the records: the rest of the document must close properly, and nothing may follow it. */
    private static void finish(JsonParser p, String source, Run run) throws IOException {
        while (!p.getParsingContext().inRoot()) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new InvalidInputException(shown(source) + ": the document ends before it is closed (after record " + run.records + ")");
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
        JsonLocation after;
        String what;
        try {
            if (p.nextToken() == null) {
                return;
            }
            after = p.currentTokenLocation();
            what = "";
        } catch (JsonProcessingException e) {
            after = e.getLocation();
            what = ": " + explain(e.getOriginalMessage());
        }
        throw trailingContent(source, run, after, what);
    }

    private static InvalidInputException trailingContent(String source, Run run, JsonLocation after, String what) {
        return new InvalidInputException(shown(source) + ": unexpected content after the root value at " + run.where(after)
                + what + " (one document holds one root value; NDJSON puts one value on each line)");
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
            return startsWithArray(head) ? Shape.ARRAY : Shape.CONTAINER;
        }
        try (JsonParser p = factory.createParser(head, 0, newline)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return Shape.CONTAINER;
            }
            p.skipChildren();
            return p.nextToken() == null ? Shape.NDJSON : startsWithArray(head) ? Shape.ARRAY : Shape.CONTAINER;
        } catch (JsonProcessingException e) {
            return startsWithArray(head) ? Shape.ARRAY : Shape.CONTAINER; // the first line is part of a larger value
        }
    }

    /** The first byte after a UTF-8 byte order mark and whitespace is '['. */
    private static boolean startsWithArray(byte[] head) {
        int i = head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF ? 3 : 0;
        while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        return i < head.length && head[i] == '[';
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
        TextEncoding encoding = TextEncoding.sniff(head, head.length);
        if (!encoding.isUtf8()) {
            throw new InvalidInputException(shown(source) + ": the document is " + encoding.describe()
                    + "; only UTF-8 JSON is read: convert it first, e.g. iconv -f " + encoding.name() + " -t UTF-8");
        }
    }

    /** Jackson's message, with its hint about comments said plainly; input it quotes is escaped. */
    private static String explain(String message) {
        if (message != null && (message.contains("maybe a (non-standard) comment") || message.startsWith("Unexpected character ('#'"))) {
            return "a comment ('//', '/*' or '#'), which JSON does not allow";
        }
        return Printable.escape(message);
    }

    private static String shown(String source) {
        return Printable.escape(source);
    }

    /** "line 3, column 7 (byte 52)" */
    private static String at(JsonLocation loc) {
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + " (byte " + loc.getByteOffset() + ")";
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
            case VALUE_STRING -> "a single string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a single number";
            case VALUE_TRUE, VALUE_FALSE -> "a single boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

}
