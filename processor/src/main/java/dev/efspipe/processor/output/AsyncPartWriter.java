package dev.efspipe.processor.output;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what the parser writes to a second thread, which compresses (when parts are gzipped), hashes and
 * writes it to the part file, so that the parser's thread only parses and copies. The machine and a
 * 1,769 MB Lambda have two cores; this uses the second.
 *
 * <p>Bytes travel in chunks through a small bounded queue, so memory stays at a few chunks and a slow
 * disk slows the parser down instead of filling the heap. A failure on the writing thread is rethrown to
 * the parser at its next write or at {@link #close()}. Not thread-safe for writers: one parser writes.
 */
final class AsyncPartWriter extends OutputStream {
    private static final int CHUNK = 1 << 20;
    private static final int IN_FLIGHT = 4;
    private static final Chunk END = new Chunk(new byte[0], 0);

    /** A filled buffer and how much of it is filled. */
    private record Chunk(byte[] data, int length) {}

    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(IN_FLIGHT);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private final Thread writer;
    private volatile IOException failure;
    private byte[] chunk = new byte[CHUNK];
    private int used;
    private boolean closed;

    /** @param target written only by the writing thread, and closed by it at the end */
    AsyncPartWriter(OutputStream target, String name) {
        for (int i = 0; i < IN_FLIGHT; i++) {
            free.add(new byte[CHUNK]);
        }
        writer = new Thread(() -> drain(target), "part-writer " + name);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void write(int b) throws IOException {
        if (used == CHUNK) {
            handOver();
        }
        chunk[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == CHUNK) {
                handOver();
            }
            int n = Math.min(len, CHUNK - used);
            System.arraycopy(b, off, chunk, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    /** Waits until everything is written and the target closed; rethrows the writing thread's failure. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (used > 0) {
            handOver();
        }
        put(END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the part writer");
        }
        check();
    }

    private void handOver() throws IOException {
        check();
        put(new Chunk(chunk, used));
        try {
            chunk = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the part writer");
        }
        used = 0;
    }

    private void put(Chunk c) throws IOException {
        try {
            full.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted handing bytes to the part writer");
        }
    }

    private void check() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("Writing the part failed: " + f.getMessage(), f);
        }
    }

    private void drain(OutputStream target) {
        try (target) {
            while (true) {
                Chunk c = full.take();
                if (c == END) {
                    return;
                }
                target.write(c.data(), 0, c.length());
                free.put(c.data());
            }
        } catch (IOException e) {
            failure = e;
            drainAfterFailure();
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("part writer interrupted");
        }
    }

    /** Keeps taking chunks after a failure, so the parser is never blocked on a full queue; it sees the failure. */
    private void drainAfterFailure() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c == END) {
                    return;
                }
                free.put(c.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
