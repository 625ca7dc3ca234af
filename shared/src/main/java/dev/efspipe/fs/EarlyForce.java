package dev.efspipe.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fsyncs large files in the background while they are written and as soon as they are closed, while the writer goes
 * on with the next one. A file of 1 MiB ({@link #SMALL}) or more is forced ({@code fdatasync}) every 32 MiB ({@link #STEP})
 * as it grows and once more (data and metadata) when it is closed, so that the disk writes it during the
 * extraction rather than all of it at the publish; the publish's own fsync of the tree ({@link DurableFiles#fsyncTree},
 * still the guarantee) then finds it clean.
 *
 * <p>Smaller files are only closed here and left to that fsync of the tree, which forces many at once: forced one by
 * one as each closed, a zip of 8,200 small entries on a local ext4 paid twice the CPU (each fsync wrote the file's
 * inode-table block and flushed the disk cache on its own, and the publish flushed once more per file; forced together,
 * the files of one block and one directory share their writes, and concurrent flushes merge) and about twice the time.
 *
 * <p>At most {@value #PENDING} files are open and waiting at once (their descriptors are the only memory held); a
 * writer that gets ahead of the disk waits. {@link #await()} waits for every fsync handed over so far and throws
 * the first failure, naming its file: a failed fsync may mean lost data, so the output must not be published.
 */
public final class EarlyForce implements AutoCloseable {
    static final int THREADS = 8;
    static final int PENDING = 64;
    /** Bytes of a growing file after which the bytes written so far are forced in the background. */
    static final long STEP = 32 << 20;
    /** Files smaller than this are not forced here but left to the publish's fsync of the tree. */
    static final long SMALL = 1 << 20;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "early-fsync");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore slots = new Semaphore(PENDING);
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    /** Starts tracking a file being written through {@code ch}: see {@link Growing}. */
    Growing track(FileChannel ch, Path file) {
        return new Growing(ch, file);
    }

    /**
     * A file being written: every 32 MiB ({@link #STEP}), what was written so far is forced in the background
     * ({@code fdatasync}) while the writer goes on, so that the disk writes a large file as it grows instead of all
     * of it at the end; the final force at {@link #close()} then finds only the tail dirty. A step whose force is
     * still running when the next is due is left out (the next step's force covers it): the writer never waits. A
     * step's failure counts as the file's: {@link #await()} throws it even if the final force succeeds (after a
     * failed {@code fsync} Linux may report the next one clean although the data is lost).
     */
    final class Growing {
        private final FileChannel ch;
        private final Path file;
        private long unforced;
        private long size;
        private Future<?> step;

        private Growing(FileChannel ch, Path file) {
            this.ch = ch;
            this.file = file;
        }

        /** Counts {@code n} more bytes written; hands a force over when a step is due and none is running. */
        void wrote(long n) {
            unforced += n;
            size += n;
            if (unforced >= STEP && (step == null || step.isDone()) && !pool.isShutdown()) {
                unforced = 0;
                step = pool.submit(() -> {
                    try {
                        ch.force(false);
                    } catch (IOException e) {
                        failure.compareAndSet(null, IoErrors.onPath(e, file));
                    }
                });
            }
        }

        /**
         * Hands the file over: forced and closed in the background, after the step still running, if any; a file
         * under 1 MiB ({@link #SMALL}) is closed at once (the fsync of the tree forces it).
         */
        void close() throws IOException {
            if (size < SMALL && step == null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    throw IoErrors.onPath(e, file);
                }
                return;
            }
            forceAndClose(ch, file, step);
        }
    }

    /** Forces {@code ch} (the data and metadata of {@code file}) and closes it, in the background. */
    void forceAndClose(FileChannel ch, Path file) throws IOException {
        forceAndClose(ch, file, null);
    }

    private void forceAndClose(FileChannel ch, Path file, Future<?> step) throws IOException {
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
                    if (step != null) {
                        finish(step); // a close under a running force would fail it
                    }
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

    /** Waits for a step's force to end (its failure, if any, is already recorded). */
    private static void finish(Future<?> step) {
        boolean interrupted = false;
        while (true) {
            try {
                step.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
