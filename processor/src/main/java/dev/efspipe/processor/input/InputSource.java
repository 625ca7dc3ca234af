package dev.efspipe.processor.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a job reads: a file (local disk or EFS) or an S3 object. Archives in zip form need random access
 * (their central directory is at the end), so every source offers a {@link SeekableByteChannel}; the
 * streaming formats read it front to back through {@link #openStream()}.
 */
public interface InputSource {
    /** A short name for messages, e.g. {@code s3://bucket/key} or a file path. */
    String describe();

    /** The name the upload had (last segment of the key or path), used for a single extracted file. */
    String fileName();

    long size() throws IOException;

    /** Whether reading this source reads EFS (a file in the inbox), which the file system meters. */
    default boolean onEfs() {
        return false;
    }

    /** A fresh channel positioned at 0; the caller closes it. */
    SeekableByteChannel openChannel() throws IOException;

    /** A fresh stream from byte 0; the caller closes it. */
    default InputStream openStream() throws IOException {
        return Channels.newInputStream(openChannel());
    }

    /**
     * This source, reporting every read of its channels to {@code progress}: how {@code ./pipeline process}
     * draws its progress bar without the processor knowing about terminals.
     */
    default InputSource withProgress(Progress progress) {
        return new TrackedInputSource(this, () -> progress);
    }

    /**
     * This source, adding the bytes every one of its channels reads to {@code counter}: how the processor
     * measures what a job reads from EFS (re-reads counted again, as EFS meters them).
     */
    default InputSource counting(LongAdder counter) {
        return new TrackedInputSource(this, () -> {
            // A channel reports its running total; the counter takes each increase (one reading thread per channel).
            long[] reported = {0};
            return (done, total) -> {
                counter.add(done - reported[0]);
                reported[0] = done;
            };
        });
    }
}
