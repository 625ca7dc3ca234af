package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.ContentReference;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and validates JSON records in the bytes of a document, without a tokenizer: the elements of a top-level
 * array, the lines of NDJSON, and the members of a map-like top-level object once {@link JsonRecordSplitter} has
 * decided it is one (the scanner then takes over from Jackson's parser, {@link #afterMember}): the shapes whose
 * records follow one another with nothing but separators in between. A record is scanned where it lies in this
 * class's own buffer, checked (RFC 8259 grammar, UTF-8, the {@link JsonLimits}, duplicate keys) and fed to the
 * {@link FieldSummary} as it goes, and then written from that same buffer: no token is built, no name or value
 * decoded (a field name is compared, as bytes, with the name the same position had in the record before), no
 * byte copied but into the part. Measured in-process this runs at 0.86x a bare Jackson token scan with the parts
 * written, where Jackson's parser, which builds every token, ran at about 0.7x (README, Measurements).
 *
 * <p>Errors read as Jackson's: when the scan finds a record (or what follows it) invalid, Jackson's parser reads
 * the same bytes again from the record's start, after a few bytes that put it where the record is (a prefix:
 * inside an array, after an element, inside an object after a member), and its exception, with its location (and
 * any place its message quotes) moved to where the record lies in the document, is the one thrown; should Jackson
 * find nothing wrong (the scanner holds every string to the string length limit, Jackson only those it
 * decodes), the scanner's own reason is. A limit is checked here, with {@link StreamReadConstraints}'s own checks (their messages), at the
 * byte where it is crossed. Memory: the buffer holds the record being scanned and one read, and grows with a
 * record up to {@link JsonLimits#maxRecordBytes()} and no further.
 */
final class RecordScanner {
    /** How much is read from the input at a time. */
    static final int READ = 1 << 18;
    // What Jackson reads before the bytes it is given again, to be where they are: in an array before its first
    // element, before a later one, after one; in an object before a later member, after one.
    private static final byte[] ARRAY_PREFIX = {'['};
    private static final byte[] NEXT_ELEMENT_PREFIX = {'[', '0', ','};
    private static final byte[] AFTER_ELEMENT_PREFIX = {'[', '0', ' '};
    private static final byte[] NEXT_MEMBER_PREFIX = {'{', '"', '"', ':', '0', ','};
    private static final byte[] AFTER_MEMBER_PREFIX = {'{', '"', '"', ':', '0', ' '};

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** For bytes inside strings: 0 plain, 1 the end quote, 2 a backslash, 3 a control character, 4 not ASCII. */
    private static final byte[] STRING = new byte[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            STRING[c] = 3;
        }
        STRING['"'] = 1;
        STRING['\\'] = 2;
        for (int c = 0x80; c < 0x100; c++) {
            STRING[c] = 4;
        }
    }

    private final InputStream in;
    private final JsonFactory factory;
    private final JsonLimits limits;
    private final StreamReadConstraints constraints;
    private final long maxDocument;
    /** Strings of at most this many bytes are within both length limits whatever they hold. */
    private final int shortString;
    private byte[] buf = new byte[READ];
    /** Stream offset of buf[0]. */
    private long bufStart;
    private int pos;
    private int end;
    private boolean eof;
    /** Line of the byte at pos, and the stream offset where that line starts (Jackson counts CR, LF, CRLF). */
    private int line = 1;
    private long lineStart;
    /** Stream offset from which bytes are kept across reads (the record being scanned), or -1. */
    private long keep = -1;
    /** The record being scanned: its first byte, line, column, and whether it spans lines. */
    private long recordStart;
    private int recordLine;
    private int recordColumn;
    /** Where Jackson is to read again from, after the prefix, when a record is invalid (a member: from its name). */
    private long errorFrom;
    private int errorLine;
    private int errorColumn;
    private boolean recordNewlines;
    private int nameLength;
    /** Nesting depth in the document (its root container is 1). */
    private int depth;
    /** Where the root array's '[' is, which a prefix's '[' stands for in Jackson's messages. */
    private int rootLine = 1;
    private int rootColumn = 1;
    /** What Jackson reads before a record's bytes to be in the same place: "[" for an element, nothing for NDJSON. */
    private byte[] prefix = ARRAY_PREFIX;

    // One frame per open container of the record: object or array, its summary node, next position, object number.
    private boolean[] isObject = new boolean[16];
    private FieldSummary.Node[] node = new FieldSummary.Node[16];
    private int[] position = new int[16];
    private long[] object = new long[16];
    @SuppressWarnings("unchecked")
    private Set<String>[] untracked = new Set[16];

    RecordScanner(InputStream in, JsonFactory factory, JsonLimits limits) {
        this.in = in;
        this.factory = factory;
        this.limits = limits;
        this.constraints = limits.constraints();
        this.maxDocument = constraints.getMaxDocumentLength();
        this.shortString = Math.min(constraints.getMaxNameLength(), constraints.getMaxStringLength());
    }

    /**
     * A scanner that takes over a document from Jackson's parser inside the top-level object, after a member's
     * value: {@code in} is the rest of the document from {@code at} (the parser's location), and {@code root}
     * where the object's '{' is.
     */
    static RecordScanner afterMember(InputStream in, JsonFactory factory, JsonLimits limits, JsonLocation at, JsonLocation root) {
        RecordScanner s = new RecordScanner(in, factory, limits);
        s.bufStart = at.getByteOffset();
        s.line = at.getLineNr();
        s.lineStart = at.getByteOffset() - (at.getColumnNr() - 1);
        s.rootLine = root.getLineNr();
        s.rootColumn = root.getColumnNr();
        s.depth = 1;
        s.prefix = AFTER_MEMBER_PREFIX;
        s.errorFrom = s.bufStart;
        s.errorLine = s.line;
        s.errorColumn = at.getColumnNr();
        return s;
    }

    // ---- the document around the records ----

    /** Skips a UTF-8 byte order mark at the very start. */
    void skipByteOrderMark() throws IOException {
        if (ensure(3) && (buf[pos] & 0xff) == 0xEF && (buf[pos + 1] & 0xff) == 0xBB && (buf[pos + 2] & 0xff) == 0xBF) {
            pos += 3;
        }
    }

    /** The root array's '[', which must be the next byte after whitespace. */
    void openRootArray() throws IOException {
        int c = skipWhitespace();
        if (c != '[') {
            throw new IllegalStateException("not at an array: " + c);
        }
        rootLine = line;
        rootColumn = (int) (offset() - lineStart + 1);
        pos++;
        depth = 1;
        prefix = ARRAY_PREFIX;
    }

    /** The next record is the array's first element (or a later one): how Jackson is to read it again. */
    void firstElement(boolean first) {
        prefix = first ? ARRAY_PREFIX : NEXT_ELEMENT_PREFIX;
    }

    /** NDJSON: the records are root values. */
    void rootValues() {
        depth = 0;
        prefix = new byte[0];
    }

    /** Skips whitespace and returns the next byte without consuming it, or -1 at the end of the input. */
    int skipWhitespace() throws IOException {
        while (true) {
            if (pos == end && !fill()) {
                return -1;
            }
            int c = buf[pos];
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\n') {
                pos++;
                newLine();
            } else if (c == '\r') {
                pos++;
                if ((pos < end || fill()) && buf[pos] == '\n') {
                    pos++;
                }
                newLine();
            } else {
                return c & 0xff;
            }
        }
    }

    /** Consumes the byte {@link #skipWhitespace()} returned. */
    void consume() {
        pos++;
    }

    /** The stream offset of the next byte. */
    long offset() {
        return bufStart + pos;
    }

    /** Where the next byte is, as Jackson gives locations. */
    JsonLocation location() {
        return location(offset(), line, (int) (offset() - lineStart + 1));
    }

    static JsonLocation location(long offset, int line, int column) {
        return new JsonLocation(ContentReference.unknown(), offset, -1L, line, column);
    }

    /**
     * A separator between elements that is neither ',' nor ']', or the input's end before the ']': Jackson reads
     * from here as if after an element, for its message.
     */
    JsonProcessingException badSeparator() throws IOException {
        return reparse(offset(), line, (int) (offset() - lineStart + 1), AFTER_ELEMENT_PREFIX, "expected ',' or ']' after an element");
    }

    /**
     * Something after the root value: the parse Jackson makes of it from here, at the root, as the Jackson path's
     * own check does. Returns Jackson's exception, or null when Jackson reads a token there (its location is then
     * {@link #location()}).
     */
    JsonProcessingException trailing() throws IOException {
        JsonLocation at = location();
        try (JsonParser p = factory.createParser(rest(offset()))) {
            p.nextToken();
            return null;
        } catch (JsonProcessingException e) {
            return translate(e, at.getByteOffset(), at.getLineNr(), at.getColumnNr(), 0);
        }
    }

    // ---- records ----

    /** Marks the start of a record at the next byte (after {@link #skipWhitespace()}). */
    void beginRecord() {
        recordStart = offset();
        recordLine = line;
        recordColumn = (int) (recordStart - lineStart + 1);
        recordNewlines = false;
        keep = recordStart;
        errorFrom = recordStart;
        errorLine = recordLine;
        errorColumn = recordColumn;
    }

    /**
     * A member of the top-level object whose value is the record: reads its name (at the next byte) and the ':' and
     * marks the value's start as the record's. Returns how many escapes the name holds (see {@link #writeName}).
     */
    int beginMember() throws IOException {
        errorFrom = offset();
        errorLine = line;
        errorColumn = (int) (errorFrom - lineStart + 1);
        keep = errorFrom;
        prefix = NEXT_MEMBER_PREFIX;
        if (peek() != '"') {
            throw invalid("expected a member name");
        }
        int escapes = string(true);
        nameLength = pos - 1 - ((int) (errorFrom - bufStart) + 1);
        if (skipWhitespaceInMember() != ':') {
            throw invalid("expected ':' after a member name");
        }
        pos++;
        skipWhitespaceInMember();
        recordStart = offset();
        recordLine = line;
        recordColumn = (int) (recordStart - lineStart + 1);
        recordNewlines = false;
        return escapes;
    }

    /** The member name read by {@link #beginMember()}, as written (without its quotes). */
    void writeName(OutputStream out) throws IOException {
        out.write(buf, (int) (errorFrom - bufStart) + 1, nameLength);
    }

    /** The member name read by {@link #beginMember()}, decoded. */
    String name(int escapes) {
        return FieldSummary.decodeName(buf, (int) (errorFrom - bufStart) + 1, nameLength, escapes > 0);
    }

    /** A separator between members that is neither ',' nor '}', or the input's end: Jackson reads from here. */
    JsonProcessingException badMemberSeparator() throws IOException {
        return reparse(offset(), line, (int) (offset() - lineStart + 1), AFTER_MEMBER_PREFIX, "expected ',' or '}' after a member");
    }

    private int skipWhitespaceInMember() throws IOException {
        int c = skipWhitespaceInRecord();
        recordNewlines = false;
        return c;
    }

    long recordStart() {
        return recordStart;
    }

    JsonLocation recordLocation() {
        return location(recordStart, recordLine, recordColumn);
    }

    /** Bytes of the record scanned so far. */
    long recordLength() {
        return offset() - recordStart;
    }

    /** Writes the record just scanned, without the CR and LF between its tokens: one record, one line. */
    void writeRecord(OutputStream out) throws IOException {
        int from = (int) (recordStart - bufStart);
        if (!recordNewlines) {
            out.write(buf, from, pos - from);
            return;
        }
        int run = from;
        for (int i = from; i < pos; i++) {
            byte b = buf[i];
            if (b == '\n' || b == '\r') {
                out.write(buf, run, i - run);
                run = i + 1;
            }
        }
        out.write(buf, run, pos - run);
    }

    /** The record is written: its bytes need not be kept. */
    void endRecord() throws StreamConstraintsException {
        keep = -1;
        if (maxDocument > 0 && offset() > maxDocument) {
            constraints.validateDocumentLength(offset());
        }
    }

    /**
     * Scans one value from the next byte (a record), validating it and, with a summary, feeding its fields to it.
     * Leaves the position after the value's last byte.
     */
    void scanRecord(FieldSummary summary) throws IOException {
        if (pos == end && !fill()) {
            throw invalid("the input ends where a record should start");
        }
        int c = buf[pos] & 0xff;
        if (c != '{' && c != '[') {
            scalar(c);
            if (depth == 0) {
                rootSpace(c);
            }
            return;
        }
        int top = 0;
        FieldSummary.Node root = summary == null ? null : summary.root();
        open(0, c == '{', root, summary);
        pos++;
        // Inside a container: the next thing is a value or its end (first) or a separator (after a value).
        boolean first = true;
        while (true) {
            c = skipWhitespaceInRecord();
            if (first) {
                first = false;
                if (c == (isObject[top] ? '}' : ']')) {
                    pos++;
                    if (top == 0) {
                        close(0);
                        return;
                    }
                    close(top--);
                    continue;
                }
            } else if (c == ',') {
                pos++;
                c = skipWhitespaceInRecord();
            } else if (c == (isObject[top] ? '}' : ']')) {
                pos++;
                if (top == 0) {
                    close(0);
                    return;
                }
                close(top--);
                continue;
            } else {
                throw invalid("expected ',' or a close marker");
            }
            // A value, named by a member name in an object.
            FieldSummary.Node child = null;
            boolean tracked = summary != null && top < FieldSummary.MAX_DEPTH && node[top] != null;
            if (isObject[top]) {
                if (c != '"') {
                    throw invalid("expected a member name");
                }
                long nameAt = offset();
                int escapes = string(true);
                int nameFrom = (int) (nameAt - bufStart) + 1;
                int nameLength = pos - 1 - nameFrom;
                if (summary != null) {
                    child = tracked ? summary.member(node[top], buf, nameFrom, nameLength, escapes > 0, position[top]++) : null;
                    if (child == null) {
                        summary.unnamed();
                        String name = FieldSummary.decodeName(buf, nameFrom, nameLength, escapes > 0);
                        if (untracked[top] == null) {
                            untracked[top] = new HashSet<>();
                        }
                        if (!untracked[top].add(name)) {
                            throw invalid("a duplicate member name");
                        }
                    } else {
                        if (child.seenIn == object[top]) {
                            throw invalid("a duplicate member name");
                        }
                        child.seenIn = object[top];
                    }
                }
                if (skipWhitespaceInRecord() != ':') {
                    throw invalid("expected ':' after a member name");
                }
                pos++;
                c = skipWhitespaceInRecord();
            } else if (summary != null) {
                child = tracked ? summary.element(node[top], position[top]++) : null;
                if (child == null) {
                    summary.unnamed();
                }
            }
            if (c == '{' || c == '[') {
                if (child != null) {
                    FieldSummary.count(child, c == '{' ? FieldSummary.Type.OBJECT : FieldSummary.Type.ARRAY);
                }
                pos++;
                top++;
                open(top, c == '{', child, summary);
                first = true;
            } else {
                FieldSummary.Type type = scalar(c);
                if (child != null) {
                    FieldSummary.count(child, type);
                }
            }
        }
    }

    private void open(int frame, boolean isObj, FieldSummary.Node n, FieldSummary summary) throws IOException {
        if (++depth > constraints.getMaxNestingDepth()) {
            try {
                constraints.validateNestingDepth(depth);
            } catch (StreamConstraintsException e) {
                throw overLimit(e);
            }
        }
        if (frame == isObject.length) {
            int n2 = frame * 2;
            isObject = Arrays.copyOf(isObject, n2);
            node = Arrays.copyOf(node, n2);
            position = Arrays.copyOf(position, n2);
            object = Arrays.copyOf(object, n2);
            untracked = Arrays.copyOf(untracked, n2);
        }
        isObject[frame] = isObj;
        node[frame] = n;
        position[frame] = 0;
        untracked[frame] = null;
        object[frame] = summary == null ? 0 : summary.nextObject();
    }

    private void close(int frame) {
        untracked[frame] = null;
        depth--;
    }

    /** A scalar value from its first byte {@code c}; returns its type. */
    private FieldSummary.Type scalar(int c) throws IOException {
        switch (c) {
            case '"' -> {
                string(false);
                return FieldSummary.Type.STRING;
            }
            case 't' -> {
                literal("true");
                return FieldSummary.Type.BOOLEAN;
            }
            case 'f' -> {
                literal("false");
                return FieldSummary.Type.BOOLEAN;
            }
            case 'n' -> {
                literal("null");
                return FieldSummary.Type.NULL;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw invalid("expected a value");
            }
        }
    }

    /** A root-level number must be followed by whitespace or the end (Jackson: "separating root-level values"). */
    private void rootSpace(int first) throws IOException {
        if (first == '-' || (first >= '0' && first <= '9')) {
            if ((pos < end || fill()) && buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n' && buf[pos] != '\r') {
                throw invalid("expected space after a root-level number");
            }
        }
    }

    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int TRUE = 't' | 'r' << 8 | 'u' << 16 | 'e' << 24;
    private static final int NULL = 'n' | 'u' << 8 | 'l' << 16 | 'l' << 24;
    private static final int ALSE = 'a' | 'l' << 8 | 's' << 16 | 'e' << 24;

    private void literal(String word) throws IOException {
        int n = word.length();
        if (pos + n < end) {
            int w = (int) INTS.get(buf, pos + n - 4);
            int next = buf[pos + n];
            boolean ends = next == ',' || next == '}' || next == ']' || next == ' ' || next == '\n' || next == '\r' || next == '\t';
            if (ends && w == (n == 5 ? ALSE : word.charAt(0) == 't' ? TRUE : NULL) && (n == 4 || buf[pos] == 'f')) {
                pos += n;
                return;
            }
        }
        if (!ensure(n)) {
            throw invalid("the input ends inside " + word);
        }
        for (int i = 0; i < n; i++) {
            if (buf[pos + i] != word.charAt(i)) {
                throw invalid("expected " + word);
            }
        }
        pos += n;
        // Jackson reads a word to its end ("truex" is one unrecognised token, not true and then x).
        int next = peek();
        if (next >= 0x80 || next == '_' || next == '$' || (next >= '0' && next <= '9') || (next | 0x20) >= 'a' && (next | 0x20) <= 'z') {
            throw invalid("expected " + word);
        }
    }

    /** A number: the common short integer or decimal within the buffer here, anything else in {@link #anyNumber()}. */
    private FieldSummary.Type number() throws IOException {
        int p = pos;
        int e = Math.min(end, p + 64);
        byte[] b = buf;
        int c = b[p];
        if (c < '1' || c > '9') {
            return anyNumber();
        }
        p++;
        while (p < e && (c = b[p]) >= '0' && c <= '9') {
            p++;
        }
        boolean fraction = false;
        if (p < e && c == '.') {
            int digits = ++p;
            while (p < e && (c = b[p]) >= '0' && c <= '9') {
                p++;
            }
            if (p == digits) {
                return anyNumber();
            }
            fraction = true;
        }
        // Ends here only before a byte that cannot continue a number, inside the buffer and the length limit.
        if (p == e || c == 'e' || c == 'E' || c == '.' || p - pos > constraints.getMaxNumberLength()) {
            return anyNumber();
        }
        pos = p;
        return fraction ? FieldSummary.Type.NUMBER : FieldSummary.Type.INTEGER;
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private FieldSummary.Type anyNumber() throws IOException {
        long start = offset();
        boolean fraction = false;
        int c = peek();
        if (c == '-') {
            pos++;
            c = peek();
        }
        int digits = 0;
        if (c == '0') {
            pos++;
            digits = 1;
            c = peek();
            if (c >= '0' && c <= '9') {
                throw invalid("a leading zero");
            }
        } else if (c >= '1' && c <= '9') {
            while (c >= '0' && c <= '9') {
                pos++;
                digits++;
                c = peek();
            }
        } else {
            throw invalid("expected a digit");
        }
        if (c == '.') {
            fraction = true;
            pos++;
            c = peek();
            if (c < '0' || c > '9') {
                throw invalid("expected a digit after the decimal point");
            }
            while (c >= '0' && c <= '9') {
                pos++;
                c = peek();
            }
        }
        if (c == 'e' || c == 'E') {
            fraction = true;
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
                c = peek();
            }
            if (c < '0' || c > '9') {
                throw invalid("expected a digit in the exponent");
            }
            while (c >= '0' && c <= '9') {
                pos++;
                c = peek();
            }
        }
        int length = (int) (offset() - start);
        if (length > constraints.getMaxNumberLength()) {
            try {
                if (fraction) {
                    constraints.validateFPLength(length);
                } else {
                    constraints.validateIntegerLength(digits);
                }
            } catch (StreamConstraintsException e) {
                throw overLimit(e);
            }
        }
        return fraction ? FieldSummary.Type.NUMBER : FieldSummary.Type.INTEGER;
    }

    /** The next byte without consuming it, or -1 at the end. */
    private int peek() throws IOException {
        if (pos == end && !fill()) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    /**
     * A string from its opening quote to after its closing one, validating escapes, control characters and
     * UTF-8, and its length against the limit for names or values. Returns how many escapes it holds.
     */
    private int string(boolean name) throws IOException {
        // The common case, kept small so that it is inlined where strings are read: plain ASCII to the closing quote,
        // in the buffer, within the length limit.
        int p = plain(buf, pos + 1, end);
        if (p < end && buf[p] == '"' && p - pos - 1 <= shortString) {
            pos = p + 1;
            return 0;
        }
        return anyString(name);
    }

    /**
     * Skips string bytes eight at a time (SWAR) while none of them is a quote, a backslash, a control character or
     * not ASCII; returns the index of the first word holding one (at that byte), or where fewer than eight are left.
     */
    private static int plain(byte[] b, int p, int e) {
        while (p + 8 <= e) {
            long w = (long) LONGS.get(b, p);
            long quote = w ^ 0x2222222222222222L;
            long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
            long special = ((w - 0x2020202020202020L) | (quote - 0x0101010101010101L) & ~quote
                    | (backslash - 0x0101010101010101L) & ~backslash | w) & 0x8080808080808080L;
            if (special != 0) {
                return p + (Long.numberOfTrailingZeros(special) >>> 3);
            }
            p += 8;
        }
        return p;
    }

    private int anyString(boolean name) throws IOException {
        long start = offset();
        pos++;
        int escapes = 0;
        long multiByte = 0; // continuation bytes, which do not count as characters
        while (true) {
            int e = end;
            byte[] b = buf;
            int p = plain(b, pos, e);
            while (p < e && STRING[b[p] & 0xff] == 0) {
                p++;
            }
            pos = p;
            if (p == e) {
                if (!fill()) {
                    throw invalid("the input ends inside a string");
                }
                continue;
            }
            int c = b[p] & 0xff;
            switch (STRING[c]) {
                case 1 -> {
                    pos++;
                    long bytes = offset() - start - 2;
                    if (bytes > (name ? constraints.getMaxNameLength() : constraints.getMaxStringLength())) {
                        int chars = (int) (bytes - multiByte - escapes);
                        try {
                            if (name) {
                                constraints.validateNameLength(chars);
                            } else {
                                constraints.validateStringLength(chars);
                            }
                        } catch (StreamConstraintsException x) {
                            throw overLimit(x);
                        }
                    }
                    return escapes;
                }
                case 2 -> {
                    if (!ensure(2)) {
                        throw invalid("the input ends inside an escape");
                    }
                    int x = buf[pos + 1];
                    if (x == 'u') {
                        if (!ensure(6)) {
                            throw invalid("the input ends inside an escape");
                        }
                        for (int i = 2; i < 6; i++) {
                            if (!hex(buf[pos + i])) {
                                throw invalid("expected a hex digit");
                            }
                        }
                        pos += 6;
                        escapes += 5;
                    } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' || x == 't') {
                        pos += 2;
                        escapes += 1;
                    } else {
                        throw invalid("an unknown escape");
                    }
                }
                case 3 -> throw invalid("a control character in a string");
                default -> multiByte += utf8(c);
            }
        }
    }

    private static boolean hex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Validates one multi-byte UTF-8 sequence at pos (RFC 3629: no overlong forms, no surrogates, to U+10FFFF). */
    private int utf8(int c) throws IOException {
        int n;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            min = 0x10000;
        } else {
            throw invalid("invalid UTF-8 start byte 0x" + Integer.toHexString(c));
        }
        if (!ensure(n + 1)) {
            throw invalid("the input ends inside a UTF-8 sequence");
        }
        int cp = c & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            int d = buf[pos + i] & 0xff;
            if ((d & 0xC0) != 0x80) {
                throw invalid("invalid UTF-8 middle byte 0x" + Integer.toHexString(d));
            }
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw invalid("invalid UTF-8 sequence (code point U+" + Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT) + ")");
        }
        pos += n + 1;
        return n;
    }

    /** Whitespace inside a record: lines counted, and noted so the record is written on one line. */
    private int skipWhitespaceInRecord() throws IOException {
        while (true) {
            if (pos == end && !fill()) {
                throw invalid("the input ends inside a record");
            }
            int c = buf[pos];
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\n' || c == '\r') {
                recordNewlines = true;
                pos++;
                if (c == '\r' && (pos < end || fill()) && buf[pos] == '\n') {
                    pos++;
                }
                newLine();
            } else {
                return c & 0xff;
            }
        }
    }

    private void newLine() {
        line++;
        lineStart = offset();
    }

    // ---- the buffer ----

    /** True when {@code n} bytes from pos are in the buffer (reading more if needed); false at the end first. */
    private boolean ensure(int n) throws IOException {
        while (end - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Reads more; keeps the bytes from {@link #keep} (or pos), moving them to the front or growing the buffer. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        long from = keep >= 0 ? keep : offset();
        int drop = (int) (from - bufStart);
        if (drop > 0 && (end == buf.length || drop >= buf.length / 2)) {
            System.arraycopy(buf, drop, buf, 0, end - drop);
            end -= drop;
            pos -= drop;
            bufStart += drop;
        }
        if (end == buf.length) {
            if (end - (int) (from - bufStart) > limits.maxRecordBytes()) {
                throw new RecordCapture.TooLarge();
            }
            long ceiling = Math.min(Integer.MAX_VALUE - 16, (long) limits.maxRecordBytes() + READ);
            buf = Arrays.copyOf(buf, (int) Math.min(ceiling, 2L * buf.length));
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }

    // ---- errors ----

    /**
     * The record is invalid at pos: Jackson reads it again from its start, and its error (moved to the record's
     * place in the document) is thrown; should Jackson find nothing wrong, the scan's own reason is.
     */
    private JsonProcessingException invalid(String reason) throws IOException {
        return reparse(errorFrom, errorLine, errorColumn, prefix, reason);
    }

    /**
     * A limit crossed at pos: Jackson's check of the same bytes, where it makes one (the place it stops at is the
     * one the parser path names), else the limit's own exception at pos.
     */
    private StreamConstraintsException overLimit(StreamConstraintsException e) throws IOException {
        JsonLocation here = location();
        if (reparse(errorFrom, errorLine, errorColumn, prefix, "") instanceof StreamConstraintsException jackson) {
            return jackson;
        }
        return new StreamConstraintsException(e.getOriginalMessage(), here);
    }

    private JsonProcessingException reparse(long from, int fromLine, int fromColumn, byte[] before, String reason) throws IOException {
        JsonLocation here = location();
        keep = -1;
        InputStream bytes = new SequenceInputStream(new ByteArrayInputStream(before), rest(from));
        JsonParser p = factory.createParser(bytes);
        try (p) {
            // The prefix's tokens: '[' (and the 0 standing for an element before), or '{', "" and 0 (a member before).
            int tokens = before.length == 0 ? 0 : before[0] == '{' ? 3 : before.length > 1 ? 2 : 1;
            for (int i = 0; i < tokens; i++) {
                p.nextToken();
            }
            JsonToken t = p.nextToken();
            if (t == JsonToken.FIELD_NAME) {
                t = p.nextToken();
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                new FieldSummary().walk(p);
            } else if (t != null) {
                p.finishToken();
            }
            p.nextToken();
        } catch (StreamConstraintsException e) {
            // Jackson's limit errors carry no location; the parser's path names where the parser stopped.
            return translate(e.getLocation() != null ? e : new StreamConstraintsException(e.getOriginalMessage(), p.currentLocation()),
                    from, fromLine, fromColumn, before.length);
        } catch (JsonProcessingException e) {
            return translate(e, from, fromLine, fromColumn, before.length);
        }
        return new JsonParseException("invalid JSON (" + reason + ")", here);
    }

    /** The input from stream offset {@code from}: what the buffer still holds, then the rest of the stream. */
    private InputStream rest(long from) {
        int at = (int) Math.max(0, from - bufStart);
        return new SequenceInputStream(new ByteArrayInputStream(buf, at, Math.max(0, end - at)), unclosed(in));
    }

    /** {@code in}, for a SequenceInputStream, which closes each stream it exhausts: the input is not ours to close. */
    static InputStream unclosed(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }

    /** Jackson's exception from a parse that started at {@code from} (after {@code skip} bytes of its own). */
    private JsonProcessingException translate(JsonProcessingException e, long from, int fromLine, int fromColumn, int skip) {
        JsonLocation l = e.getLocation();
        JsonLocation at = l == null ? location(from, fromLine, fromColumn) : location(from + Math.max(0, l.getByteOffset() - skip),
                fromLine + l.getLineNr() - 1, l.getLineNr() == 1 ? fromColumn + Math.max(0, l.getColumnNr() - 1 - skip) : l.getColumnNr());
        // A message may quote a place too ("for Object starting at [Source: …; line: 1, column: 40]").
        Matcher m = QUOTED_PLACE.matcher(e.getOriginalMessage());
        StringBuilder message = new StringBuilder();
        while (m.find()) {
            int quotedLine = Integer.parseInt(m.group(1));
            int quotedColumn = Integer.parseInt(m.group(2));
            boolean inPrefix = quotedLine == 1 && quotedColumn - 1 < skip; // the '[' standing for the root array
            m.appendReplacement(message, "line: " + (inPrefix ? rootLine : fromLine + quotedLine - 1) + ", column: "
                    + (inPrefix ? rootColumn : quotedLine == 1 ? fromColumn + quotedColumn - 1 - skip : quotedColumn) + "]");
        }
        m.appendTail(message);
        if (e instanceof StreamConstraintsException) {
            return new StreamConstraintsException(message.toString(), at);
        }
        return new JsonParseException(message.toString(), at);
    }

    private static final Pattern QUOTED_PLACE = Pattern.compile("line: (\\d+), column: (\\d+)]");
}
