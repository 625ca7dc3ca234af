package dev.efspipe.processor.input;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Logs how far a long read has come, at most once per interval ({@code INFO}, e.g. "Reading
 * s3://uploads/big.zip: 512.0 MiB of 1.5 GiB (33%), 181.2 MiB/s, 1,204,311 records (80,287/s)"). A read
 * shorter than one interval logs nothing.
 */
public final class ProgressLog implements Progress {
    private static final Logger LOG = Logger.getLogger(ProgressLog.class.getName());
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String what;
    private final LongSupplier records;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long nextAt;

    public ProgressLog(String what, long intervalNanos) {
        this(what, () -> -1, intervalNanos);
    }

    /** @param records the records written so far, for the line; -1 leaves them out */
    public ProgressLog(String what, LongSupplier records, long intervalNanos) {
        this.what = what;
        this.records = records;
        this.intervalNanos = intervalNanos;
        this.nextAt = started + intervalNanos;
    }

    public ProgressLog(String what) {
        this(what, DEFAULT_INTERVAL_NANOS);
    }

    @Override
    public void bytesRead(long done, long total) {
        long now = System.nanoTime();
        if (now - nextAt < 0) {
            return;
        }
        nextAt = now + intervalNanos;
        LOG.info(line(done, total, now - started));
    }

    /** "Reading <what>: 512.0 MiB of 1.5 GiB (33%), 181.2 MiB/s". */
    String line(long done, long total, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos, 1) / 1e9;
        // A zip's central directory and local headers are read twice: never claim more than the whole.
        long shown = total > 0 ? Math.min(done, total) : done;
        String percent = total > 0 ? String.format(Locale.ROOT, " (%d%%)", shown * 100 / total) : "";
        long written = records.getAsLong();
        return "Reading " + what + ": " + mib(shown) + " of " + (total > 0 ? mib(total) : "?") + percent + ", "
                + mib((long) (done / seconds)) + "/s"
                + (written >= 0 ? String.format(Locale.ROOT, ", %,d records (%,d/s)", written, (long) (written / seconds)) : "");
    }

    private static String mib(long bytes) {
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
