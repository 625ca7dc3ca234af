package dev.efspipe.processor.archive;

import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.output.StagingOutput;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where an entry's bytes go, decided by its first bytes: a JSON document is split into records straight from
 * the (inflating) stream, never written to disk first; anything else, archives inside archives included, is
 * copied to {@code files/} as it is. Inner archives are never unpacked.
 *
 * <p>An entry of a megabyte or more (or of unknown size) is read through {@link ReadAhead}: its decoding
 * (inflating, CRC-32, counting against the limits) runs on a second thread while this one writes or splits,
 * which on two cores is most of the way to twice the speed for a large entry.
 */
public final class EntryWriter implements AutoCloseable {
    private final JsonRecordSplitter splitter;
    private final StagingOutput out;
    private final String recordPointer;
    private final ReadAhead ahead = new ReadAhead();

    /** One writer per archive (it owns a reading thread, which {@link #close()} ends); JSON records are detected. */
    public EntryWriter(JsonRecordSplitter splitter, StagingOutput out) {
        this(splitter, out, null);
    }

    /** @param recordPointer where the records of a JSON document are, or null to detect them */
    public EntryWriter(JsonRecordSplitter splitter, StagingOutput out, String recordPointer) {
        this.splitter = splitter;
        this.out = out;
        this.recordPointer = recordPointer;
    }

    /**
     * Writes one entry, reading {@code in} to its end (so that checks at its end, a CRC or a trailer, run).
     *
     * @param safeName from {@link EntryNames#safeRelative}
     */
    public void write(String safeName, InputStream in) throws IOException {
        write(safeName, in, -1);
    }

    /**
     * As {@link #write(String, InputStream)}, with the size the entry says it has (or -1), which only sizes a buffer:
     * an archive of many small entries should not allocate 64 KiB for each.
     */
    public void write(String safeName, InputStream in, long sizeHint) throws IOException {
        if (sizeHint >= 0 && sizeHint < ReadAhead.WORTH_IT) {
            copy(safeName, in, sizeHint);
            return;
        }
        // A large (or unknown) entry: decode it on the second core while this thread writes or splits it.
        try (InputStream read = ahead.ahead(in)) {
            copy(safeName, read, sizeHint);
        }
    }

    /**
     * Splits one entry as a JSON document whatever its first bytes: for an upload whose name says JSON, so that the
     * splitter says what is wrong with content that is not (empty, a scalar, comments) instead of keeping a file.
     */
    public void writeJson(String safeName, InputStream in) throws IOException {
        try (InputStream read = ahead.ahead(in)) {
            copy(safeName, read, -1, true);
        }
    }

    private void copy(String safeName, InputStream in, long sizeHint) throws IOException {
        copy(safeName, in, sizeHint, false);
    }

    private void copy(String safeName, InputStream in, long sizeHint, boolean json) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, bufferSize(sizeHint));
        if (json || Format.detect(buffered) == Format.JSON) {
            splitter.split(buffered, safeName, recordPointer, out);
            buffered.transferTo(OutputStream.nullOutputStream());
        } else {
            out.extract(safeName, buffered);
        }
    }

    /** Ends the reading thread. */
    @Override
    public void close() {
        ahead.close();
    }

    /** A buffer for an entry of about {@code size} bytes: 64 KiB for large or unknown sizes, less for small ones. */
    static int bufferSize(long size) {
        return size < 0 ? 1 << 16 : (int) Math.max(1024, Math.min(1 << 16, size + 1));
    }
}
