package dev.efspipe.processor.json;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The input as the parser reads it, keeping the bytes from a mark onwards so that a record can be copied
 * out exactly as it was written, by the parser's byte offsets, instead of being re-serialised. Only the
 * current record (plus the parser's read-ahead) is ever held: {@link #release(long)} drops what lies
 * before the next record, and a record longer than the limit stops the read. The same buffer holds the
 * members of a top-level object while the splitter looks ahead for its first array, and a metadata member
 * as long as it fits the manifest's bound ({@link #markSoft}: past its limit it is dropped, not an error).
 */
final class RecordCapture extends FilterInputStream {
    /** Thrown when one record outgrows the buffer limit; the splitter turns it into a message with context. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("record too large");
        }
    }

    private final int maxRecordBytes;
    private final int readAhead;
    private byte[] buf = new byte[1 << 16];
    private long bufStart; // stream offset of buf[0]
    private int len;       // valid bytes in buf
    private long mark = -1; // offset of the record being captured, or -1
    private long limit;     // bytes the capture from mark may reach (plus the read-ahead)
    private boolean soft;   // past the limit: stop capturing (true) or stop the read (false)
    private boolean overflowed;

    RecordCapture(InputStream in, int maxRecordBytes, int readAhead) {
        super(in);
        this.maxRecordBytes = maxRecordBytes;
        this.readAhead = readAhead;
    }

    /** Bytes read from the underlying stream so far. */
    long position() {
        return bufStart + len;
    }

    /** Starts capturing at stream offset {@code offset} (the first byte of a record). */
    void mark(long offset) {
        mark(offset, maxRecordBytes, false);
    }

    /** Starts capturing at {@code offset}, up to {@code limit} bytes; more stops the read ({@link TooLarge}). */
    void mark(long offset, long limit) {
        mark(offset, limit, false);
    }

    /** Starts capturing at {@code offset} while the capture is at most {@code limit} bytes; past that it is given up. */
    void markSoft(long offset, long limit) {
        mark(offset, limit, true);
    }

    private void mark(long offset, long limit, boolean soft) {
        if (offset < bufStart) {
            throw new IllegalStateException("offset " + offset + " already released (buffer starts at " + bufStart + ")");
        }
        this.mark = offset;
        this.limit = limit;
        this.soft = soft;
        this.overflowed = false;
    }

    /** True when a {@link #markSoft} capture outgrew its limit: its bytes are no longer held. */
    boolean overflowed() {
        return overflowed;
    }

    /** The buffer and where stream offset {@code offset} is in it: for a parser over bytes captured from a mark. */
    byte[] buffer() {
        return buf;
    }

    int indexOf(long offset) {
        return (int) (offset - bufStart);
    }

    /**
     * Writes bytes [{@code from}, {@code to}) to {@code out}, leaving out CR and LF (whitespace outside strings,
     * never inside). {@code oneLine}: the parser saw no line break inside the record, so there is nothing to
     * leave out and the bytes are written in one go.
     */
    void copy(long from, long to, boolean oneLine, OutputStream out) throws IOException {
        int start = (int) (from - bufStart);
        int end = (int) (to - bufStart);
        if (oneLine) {
            out.write(buf, start, end - start);
            return;
        }
        int run = start;
        for (int i = start; i < end; i++) {
            byte b = buf[i];
            if (b == '\n' || b == '\r') {
                out.write(buf, run, i - run);
                run = i + 1;
            }
        }
        out.write(buf, run, end - run);
    }

    /** Drops everything before {@code offset}; capturing stops until the next {@link #mark}. */
    void release(long offset) {
        mark = -1;
        overflowed = false;
        int drop = (int) Math.min(len, Math.max(0, offset - bufStart));
        System.arraycopy(buf, drop, buf, 0, len - drop);
        len -= drop;
        bufStart += drop;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        int got = in.read(b, off, n);
        if (got > 0) {
            keep(b, off, got);
        }
        return got;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        int got = read(scratch, 0, scratch.length);
        return Math.max(got, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void keep(byte[] b, int off, int n) throws TooLarge {
        if (mark < 0) {
            window(n);
        } else if (position() + n - mark > limit + readAhead) {
            if (!soft) {
                throw new TooLarge();
            }
            mark = -1;
            overflowed = true;
            window(n);
        }
        ensure(len + n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /** Not inside a record: keep only a read-ahead window, enough to reach back to the next record's start. */
    private void window(int n) {
        int keepFrom = Math.max(0, len + n - readAhead);
        int dropOld = Math.min(len, keepFrom);
        System.arraycopy(buf, dropOld, buf, 0, len - dropOld);
        len -= dropOld;
        bufStart += dropOld;
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            // Grow by doubling, but never past what the capture's limit allows: the limit is what bounds memory.
            long ceiling = Math.min(Integer.MAX_VALUE - 16, Math.max(limit, maxRecordBytes) + 2L * readAhead);
            buf = Arrays.copyOf(buf, (int) Math.max(capacity, Math.min(ceiling, 2L * buf.length)));
        }
    }
}
