package dev.efspipe.processor.limits;

import dev.efspipe.layout.DatasetName;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * The {@link UnpackLimits} of one job, applied: counts the entries and the bytes they actually produce, and
 * stops the job with a {@link LimitExceededException} the moment one limit is passed. Declared sizes are never
 * trusted; {@link #meter} counts bytes as they come out of the decompressor and throws before handing on the
 * read that crossed a limit, so no more than the limit of any entry ever reaches the disk.
 *
 * <p>The overall ratio divides the bytes out by the bytes of input that produced them. What that is depends on
 * the format, and the caller says: for a zip it is the archive's size (entries may overlap, so the sum of their
 * compressed sizes is no bound); for a stream (tar.gz, .bz2, …) it is the bytes read from the upload so far,
 * which stops a bomb at the start of a long archive as soon as it starts.
 *
 * <p>One budget belongs to one job and one thread.
 */
public final class UnpackBudget {
    private final UnpackLimits limits;
    private final String upload;
    private final LongSupplier inputBytes;
    private final String inputMeaning;
    private long entries;
    private long totalBytes;

    /**
     * @param upload       names the upload in messages
     * @param inputBytes   the input the overall ratio divides by (see the class comment)
     * @param inputMeaning says in messages what {@code inputBytes} counts, e.g. "read from the upload so far"
     */
    public UnpackBudget(UnpackLimits limits, String upload, LongSupplier inputBytes, String inputMeaning) {
        this.limits = limits;
        this.upload = upload;
        this.inputBytes = inputBytes;
        this.inputMeaning = inputMeaning;
    }

    public UnpackLimits limits() {
        return limits;
    }

    /** Bytes produced so far by all entries. */
    public long totalBytes() {
        return totalBytes;
    }

    public long entries() {
        return entries;
    }

    /** Counts one more entry (of any kind) before anything of it is read. */
    public void countEntry(String entryName) throws LimitExceededException {
        Limit max = limits.maxEntries();
        if (++entries > max.value()) {
            throw new LimitExceededException(max, upload + " has more than " + max.value() + " entries (limit: "
                    + max.describe() + "; stopped at entry '" + DatasetName.printable(entryName) + "')");
        }
    }

    /**
     * Counts the bytes {@code in} produces as one entry's.
     *
     * @param compressedSize the entry's compressed size if the archive states one (zip), else -1: the entry
     *                       ratio is checked only where it is known
     */
    public Meter meter(InputStream in, String entryName, long compressedSize) {
        return new Meter(in, entryName, compressedSize);
    }

    /**
     * Reads {@code in} to its end, counting what it produces towards the job's totals but not as an entry: the
     * rest of a decompressed stream after a tar's end-of-archive marker, read so its trailer gets checked.
     */
    public void drain(InputStream in, String what) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            countTotal(n, what);
        }
    }

    private void countTotal(long n, String entryName) throws LimitExceededException {
        totalBytes += n;
        Limit max = limits.maxTotalBytes();
        if (totalBytes > max.value()) {
            throw new LimitExceededException(max, "Entries of " + upload + " inflated past " + max.value()
                    + " bytes in total, at entry '" + DatasetName.printable(entryName) + "' (limit: " + max.describe()
                    + "; " + totalBytes + " bytes read so far)");
        }
        Limit ratio = limits.maxTotalRatio();
        if (totalBytes > limits.ratioGraceBytes().value()) {
            long in = Math.max(1, inputBytes.getAsLong());
            if (totalBytes > times(ratio.value(), in)) {
                throw new LimitExceededException(ratio, upload + " inflated " + totalBytes + " bytes from " + in
                        + " bytes of input (" + inputMeaning + "), a ratio over " + ratio.value() + ", at entry '"
                        + DatasetName.printable(entryName) + "' (limit: " + ratio.describe() + ")");
            }
        }
    }

    private static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** One entry's bytes, counted as they are read; a read that would cross a limit throws instead. */
    public final class Meter extends FilterInputStream {
        private final String entryName;
        private final long compressedSize;
        private long bytes;

        Meter(InputStream in, String entryName, long compressedSize) {
            super(in);
            this.entryName = entryName;
            this.compressedSize = compressedSize;
        }

        /** Bytes of the entry read so far. */
        public long bytes() {
            return bytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        /** Skipping still inflates: read and count instead of letting the source skip uncounted. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 1 << 13)];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Entry streams belong to their archive, which closes them; a reader that closes early changes nothing. */
        @Override
        public void close() {
        }

        private void count(int n) throws LimitExceededException {
            bytes += n;
            Limit max = limits.maxEntryBytes();
            if (bytes > max.value()) {
                throw new LimitExceededException(max, "Entry '" + DatasetName.printable(entryName) + "' of " + upload
                        + " inflated past " + max.value() + " bytes (limit: " + max.describe() + "; " + bytes
                        + " bytes read so far)");
            }
            Limit ratio = limits.maxEntryRatio();
            if (compressedSize >= 0 && bytes > limits.ratioGraceBytes().value()
                    && bytes > times(ratio.value(), Math.max(1, compressedSize))) {
                throw new LimitExceededException(ratio, "Entry '" + DatasetName.printable(entryName) + "' of " + upload
                        + " inflated " + bytes + " bytes from " + compressedSize + " compressed bytes, a ratio over "
                        + ratio.value() + " (limit: " + ratio.describe() + "; " + bytes + " bytes read so far)");
            }
            countTotal(n, entryName);
        }
    }
}
