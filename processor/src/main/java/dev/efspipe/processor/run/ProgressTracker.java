package dev.efspipe.processor.run;

import dev.efspipe.job.JobProgress;
import dev.efspipe.processor.input.Progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Collects a running job's figures for its job record: called on the reading thread after every read (so it
 * only stores numbers), read by the thread that writes the record every few seconds
 * ({@link #snapshotIfChanged}), which also asks for the records written so far.
 */
final class ProgressTracker implements Progress {
    private final Clock clock;
    private final Instant started;
    private volatile LongSupplier recordCount = () -> 0;
    private volatile long bytesRead;
    private volatile long totalBytes = -1;
    private long lastSnapshotBytes = -1;
    private long lastSnapshotRecords = -1;

    ProgressTracker(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /** Where the record count comes from, once the output exists; asked on the writing thread. */
    void countRecordsWith(LongSupplier supplier) {
        this.recordCount = supplier;
    }

    @Override
    public void bytesRead(long done, long total) {
        totalBytes = total;
        bytesRead = done;
    }

    /** The figures now, or null when nothing was read yet or nothing changed since the last snapshot. */
    synchronized JobProgress snapshotIfChanged() {
        long total = totalBytes;
        long done = bytesRead;
        long count = recordCount.getAsLong();
        if (total < 0 || (done == lastSnapshotBytes && count == lastSnapshotRecords)) {
            return null;
        }
        lastSnapshotBytes = done;
        lastSnapshotRecords = count;
        return snapshot(done, total, count);
    }

    /** The figures now (the same one read twice is fine), or null when nothing was read yet. */
    synchronized JobProgress now() {
        return totalBytes < 0 ? null : snapshot(bytesRead, totalBytes, recordCount.getAsLong());
    }

    /** The final figures: the whole upload read, {@code records} written. */
    JobProgress last(long total, long records) {
        return snapshot(Math.max(total, bytesRead), total, records);
    }

    private JobProgress snapshot(long done, long total, long count) {
        Instant now = clock.instant();
        return JobProgress.of(done, total, count, Duration.between(started, now), now);
    }
}
