package dev.efspipe.processor.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads an entry's decoded bytes a few buffers ahead on a second thread, so that on two cores the inflater
 * (with the CRC-32 and the limit counting, which run inside the stream it reads) works on one while the
 * consumer (hashing and writing a file, or splitting JSON) works on the other. One thread per upload;
 * entries are read one after another, never two at once.
 *
 * <p>Nothing about the limits changes: the counting stream throws before it hands on a byte past a limit, on
 * whichever thread reads it, and the exception reaches the consumer as the same object. The reading thread is
 * never interrupted: an interrupt closes a {@code FileChannel} under it, so a consumer that stops early
 * raises a flag and drains the queue instead, and waits for the reader to stop before the archive is closed.
 */
final class ReadAhead implements AutoCloseable {
    static final int CHUNK = 1 << 16;
    /** Entries smaller than this are read on the consumer's thread: handing them over would cost more. */
    static final long WORTH_IT = 1 << 20;
    private static final int DEPTH = 4;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "unpack-read-ahead");
        t.setDaemon(true);
        return t;
    });

    /** {@code source}, read ahead on the second thread; closing the result stops the reading, not the source. */
    InputStream ahead(InputStream source) {
        return new Ahead(source);
    }

    @Override
    public void close() {
        thread.shutdown();
    }

    /** A buffer of bytes, the end of the stream ({@code length < 0}), or the failure that ended it. */
    private record Chunk(byte[] data, int length, Throwable failure) {}

    private final class Ahead extends InputStream {
        private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH);
        private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(DEPTH + 2);
        private final Future<?> reader;
        private volatile boolean stopped;
        private Chunk current;
        private int position;
        private boolean ended;

        Ahead(InputStream source) {
            reader = thread.submit(() -> read(source));
        }

        private void read(InputStream source) {
            try {
                while (!stopped) {
                    byte[] buf = spare.poll();
                    int n = source.readNBytes(buf != null ? buf : (buf = new byte[CHUNK]), 0, CHUNK);
                    if (n > 0) {
                        hand(new Chunk(buf, n, null));
                    }
                    if (n < CHUNK) {
                        hand(new Chunk(null, -1, null));
                        return;
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                hand(new Chunk(null, -1, e));
            }
        }

        /** Queues a chunk, giving up once the consumer has stopped. */
        private void hand(Chunk chunk) {
            try {
                while (!stopped && !filled.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
                    // the consumer is busy: wait for room
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (current == null || position == current.length()) {
                if (ended) {
                    return -1;
                }
                if (current != null) {
                    spare.offer(current.data());
                }
                try {
                    current = filled.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for an archive entry's data");
                }
                position = 0;
                if (current.failure() != null) {
                    ended = true;
                    Throwable f = current.failure();
                    current = null;
                    if (f instanceof IOException io) {
                        throw io;
                    }
                    if (f instanceof RuntimeException re) {
                        throw re;
                    }
                    throw (Error) f;
                }
                if (current.length() < 0) {
                    ended = true;
                    current = null;
                    return -1;
                }
            }
            int n = Math.min(len, current.length() - position);
            System.arraycopy(current.data(), position, b, off, n);
            position += n;
            return n;
        }

        /** Stops the reader (without interrupting it) and waits until it no longer touches the source. */
        @Override
        public void close() throws IOException {
            stopped = true;
            while (!reader.isDone()) {
                filled.clear();
                try {
                    reader.get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // still reading: clear the queue again
                } catch (ExecutionException e) {
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while stopping the read-ahead");
                }
            }
        }
    }
}
