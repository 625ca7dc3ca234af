package dev.efspipe.processor.input;

import dev.efspipe.job.InvalidInputException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * An upload's channel as the readers see it: counts the bytes read (for {@link Progress} and for the overall
 * compression ratio) and remembers whether a read of the source itself failed.
 *
 * <p>That memory is what sorts failures. A decompressor or archive reader throws a plain {@link IOException}
 * both when its source fails (a reset connection: transient, retry the job) and when the data is corrupt or
 * cut short (permanent: record the job as failed). If the source never failed, the data is at fault;
 * {@link #sort} and {@link #sorted} turn such failures into {@link InvalidInputException}s.
 *
 * <p>Not thread-safe for reads, like any channel; {@link #bytesRead()} may be read from any thread.
 */
public final class SourceChannel extends ForwardingReadOnlyChannel {
    private final Progress progress;
    private final long size;
    private volatile long read;
    private volatile boolean failed;

    public SourceChannel(SeekableByteChannel channel, long size, Progress progress) {
        super(channel);
        this.size = size;
        this.progress = progress;
    }

    /** Bytes read from the source so far (re-reads counted again). */
    public long bytesRead() {
        return read;
    }

    /** Whether a read of the source failed: every failure after it is the source's, not the data's. */
    public boolean failed() {
        return failed;
    }

    /**
     * Sorts a failure of a reader of this channel: unchanged if it is already bad input or the source failed,
     * else bad input, described as {@code "<where>: the <what> data is corrupt or truncated: <reason>"}.
     */
    public IOException sort(IOException e, String where, String what) {
        if (failed || e instanceof InvalidInputException) {
            return e;
        }
        String reason = e.getMessage() != null ? e.getMessage() : "it ends early (" + e.getClass().getSimpleName() + ")";
        return new InvalidInputException(where + ": the " + what + " data is corrupt or truncated: " + reason, e);
    }

    /** {@code decoder} with every read failure passed through {@link #sort}. */
    public InputStream sorted(InputStream decoder, String where, String what) {
        return new Sorted(decoder, where, what);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        try {
            n = channel.read(dst);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        if (n > 0) {
            long now = read + n;
            read = now;
            progress.bytesRead(now, size);
        }
        return n;
    }

    private final class Sorted extends FilterInputStream {
        private final String where;
        private final String what;

        Sorted(InputStream in, String where, String what) {
            super(in);
            this.where = where;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw sort(e, where, what);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw sort(e, where, what);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw sort(e, where, what);
            }
        }
    }
}
