package dev.efspipe.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fsyncs files in the background as soon as they are written, while the writer goes on with the next one. A tree
 * of thousands of small files otherwise waits at its publish for all their fsyncs (each a journal commit on a
 * local disk, a round trip on EFS); forced early, that time overlaps the extraction, and the publish's own fsync
 * of the tree ({@link DurableFiles#fsyncTree}, still the guarantee) finds the files clean.
 *
 * <p>At most {@value #PENDING} files are open and waiting at once (their descriptors are the only memory held); a
 * writer that gets ahead of the disk waits. {@link #await()} waits for every fsync handed over so far and throws
 * the first failure, naming its file: a failed fsync may mean lost data, so the output must not be published.
 */
public final class EarlyForce implements AutoCloseable {
    static final int THREADS = 8;
    static final int PENDING = 64;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "early-fsync");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore slots = new Semaphore(PENDING);
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    /** Forces {@code ch} (the data and metadata of {@code file}) and closes it, in the background. */
    void forceAndClose(FileChannel ch, Path file) throws IOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ch.close();
            throw new InterruptedIOException("interrupted while waiting to fsync " + file);
        }
        try {
            pool.execute(() -> {
                try (ch) {
                    ch.force(true);
                } catch (IOException e) {
                    failure.compareAndSet(null, IoErrors.onPath(e, file));
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) { // rejected: closed
            slots.release();
            ch.close();
            throw e;
        }
    }

    /** Waits until every file handed over so far is forced and closed; throws the first failure. */
    public void await() throws IOException {
        try {
            slots.acquire(PENDING);
            slots.release(PENDING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for early fsyncs");
        }
        IOException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /**
     * Stops the threads once the fsyncs handed over are done (never interrupting one: an interrupt would close a
     * channel under a running force). Does not wait; {@link #await()} does.
     */
    @Override
    public void close() {
        pool.shutdown();
    }
}
