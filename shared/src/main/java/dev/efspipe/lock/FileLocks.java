package dev.efspipe.lock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Advisory file locks that work across processes (Lambda environments, containers, the CLI) and across
 * threads of one JVM.
 *
 * <p>Two JVM facts shape this class. A JVM holds POSIX locks for the whole process, so a second
 * {@code FileChannel.lock} on an overlapping region from another thread throws
 * {@link java.nio.channels.OverlappingFileLockException} instead of waiting; and closing <em>any</em>
 * channel on a file may release the process's lock on it. So within one JVM every lock on a file goes
 * through one {@link ReentrantLock} per path first, and the lock file is opened only by this class,
 * only while the lock is held. Shared locks are serialised within one JVM too (simple, and readers are
 * short); across processes they are truly shared.
 *
 * <p>On EFS these are NFSv4 byte-range locks, which the server keeps consistent across clients.
 * Waits poll {@code tryLock} until a deadline, because {@code FileChannel.lock} cannot be given one.
 */
public final class FileLocks {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final Set<PosixFilePermission> LOCK_FILE_MODE = PosixFilePermissions.fromString("rw-r-----");

    private FileLocks() {}

    /** Takes the exclusive lock on {@code lockFile} (created if missing), waiting at most {@code timeout}. */
    public static Held exclusive(Path lockFile, Duration timeout) throws IOException {
        return acquire(lockFile, false, timeout);
    }

    /** Takes a shared (reader) lock on {@code lockFile}, waiting at most {@code timeout}. */
    public static Held shared(Path lockFile, Duration timeout) throws IOException {
        return acquire(lockFile, true, timeout);
    }

    private static Held acquire(Path lockFile, boolean shared, Duration timeout) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock(true));
        if (local.isHeldByCurrentThread()) {
            // Not reentrant: a second channel's tryLock would throw OverlappingFileLockException, and closing that
            // channel releases the process's lock on the file, the one this thread already holds.
            throw new IllegalStateException("This thread already holds the lock on " + key + "; FileLocks are not reentrant");
        }
        try {
            if (!local.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LockTimeoutException(key, shared, Duration.ofNanos(System.nanoTime() - start));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted waiting for the lock on " + key);
        }
        FileChannel channel = null;
        try {
            channel = open(key, shared);
            long pause = 1;
            while (true) {
                FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
                if (lock != null) {
                    return new Held(key, channel, lock, local);
                }
                if (System.nanoTime() > deadline) {
                    throw new LockTimeoutException(key, shared, Duration.ofNanos(System.nanoTime() - start));
                }
                try {
                    // Backing off between attempts, not sleeping instead of waiting: tryLock has no blocking form with a deadline.
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted waiting for the lock on " + key);
                }
                pause = Math.min(pause * 2, 50);
            }
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    /**
     * A shared lock needs a channel open for reading, an exclusive one a channel open for writing. A reader
     * with only group read permission can therefore take a shared lock on an existing lock file; a missing
     * one is created (by whoever comes first) with mode 640, never world-readable.
     */
    private static FileChannel open(Path file, boolean shared) throws IOException {
        if (shared && Files.exists(file)) {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
        Set<StandardOpenOption> options = shared
                ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(LOCK_FILE_MODE))
                : FileChannel.open(file, options);
    }

    /** A held lock. Closing it releases the file lock, closes the channel and frees the in-process lock. */
    public static final class Held implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;
        private final ReentrantLock local;
        private boolean released;

        private Held(Path file, FileChannel channel, FileLock lock, ReentrantLock local) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
            this.local = local;
        }

        public Path file() {
            return file;
        }

        @Override
        public void close() throws IOException {
            if (released) {
                return;
            }
            released = true;
            try {
                try {
                    lock.release();
                } finally {
                    channel.close();
                }
            } finally {
                local.unlock();
            }
        }
    }
}
