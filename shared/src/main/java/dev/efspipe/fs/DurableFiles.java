package dev.efspipe.fs;

import dev.efspipe.config.Permissions;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * File operations with the durability and permissions the EFS layout needs: directories and files are
 * created with the configured modes (never world-readable), writes that replace a file are atomic
 * (temporary file, fsync, rename, fsync of the directory), and trees can be fsynced before they are
 * published.
 *
 * <p>On NFS (EFS) a rename within one file system is atomic and a close flushes to the server
 * (close-to-open consistency); the explicit fsyncs make the same hold on a local disk after a power
 * loss, which is what the local stack runs on.
 */
public final class DurableFiles {
    private final Permissions permissions;

    public DurableFiles(Permissions permissions) {
        this.permissions = permissions;
    }

    private static final boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    public Permissions permissions() {
        return permissions;
    }

    /** Creates {@code dir} and any missing parents with the directory mode; an existing directory is fine. */
    public Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, attribute(true));
            setMode(dir, true); // the creation mode is masked by the umask; make it exact
        } catch (FileAlreadyExistsException e) {
            // Tolerated race: another writer created it between our check and our create.
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
        return dir;
    }

    /** Opens a new file for writing with the file mode; fails if it exists. */
    public OutputStream createFile(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attribute(false));
        setMode(file, false);
        return new OnPath(Channels.newOutputStream(ch), file);
    }

    /**
     * As {@link #createFile(Path)}, with the file handed to {@code early} when the stream is closed: it is fsynced
     * in the background (and its descriptor closed there) while the caller writes the next one.
     */
    public OutputStream createFile(Path file, EarlyForce early) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attribute(false));
        setMode(file, false);
        EarlyForce.Growing growing = early.track(ch, file);
        return new OnPath(Channels.newOutputStream(ch), file) {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                super.write(b);
                growing.wrote(1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                super.write(b, off, len);
                growing.wrote(len);
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    flush();
                    growing.close();
                }
            }
        };
    }

    /** A stream whose failures name its file: a bare "No space left on device" from {@code write} does not. */
    private static class OnPath extends FilterOutputStream {
        private final Path file;

        OnPath(OutputStream out, Path file) {
            super(out);
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw IoErrors.onPath(e, file);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw IoErrors.onPath(e, file);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw IoErrors.onPath(e, file);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw IoErrors.onPath(e, file);
            }
        }
    }

    /**
     * Creates {@code file} with {@code content} only if it does not exist yet (exclusive create, the
     * primitive behind job claims). Returns false, writing nothing, when it exists.
     *
     * <p>Readers never see it empty or half written: the content goes to a temporary sibling first, is
     * fsynced, and then appears under its name by {@code link(2)}, which fails when the name exists (an
     * exclusive create that is whole from its first instant; EFS and local file systems both support
     * hard links). A plain {@code O_CREAT|O_EXCL} create followed by a write shows lock-free readers (the
     * API's job status, a container) an empty file in between.
     */
    public boolean createExclusively(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeNew(tmp, content);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(file.getParent());
        return true;
    }

    private void writeNew(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attribute(false))) {
            setMode(file, false);
            ByteBuffer buf = ByteBuffer.wrap(content);
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } catch (IOException e) {
                throw IoErrors.onPath(e, file);
            }
        }
    }

    /** Replaces {@code target} with {@code content} atomically: readers see the old or the new bytes, never a mix. */
    public void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeNew(tmp, content);
            moveAtomically(tmp, target, true);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Renames {@code source} to {@code target} in one atomic step and fsyncs both parents. Without
     * {@code replace}, an existing target is an error ({@link FileAlreadyExistsException}), never overwritten.
     */
    public void moveAtomically(Path source, Path target, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // ATOMIC_MOVE onto an existing empty directory would replace it on Linux (rename(2)); check first.
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(source.toString(), target.toString(), "target exists");
                }
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot rename " + source + " to " + target
                    + " atomically: both must be on the same file system", e);
        }
        fsyncDirectory(target.getParent());
        if (!source.getParent().equals(target.getParent())) {
            fsyncDirectory(source.getParent());
        }
    }

    /** How many fsyncs {@link #fsyncTree} keeps in flight at once. */
    static final int FSYNC_PARALLELISM = 16;

    /**
     * Fsyncs every regular file below {@code root}, then every directory. The fsyncs run up to
     * {@value #FSYNC_PARALLELISM} at once: a local file system commits concurrent fsyncs together (ext4's
     * journal commits them as one group), and on NFS (EFS) each is a round trip to the server, which
     * concurrent calls overlap. One after another, a tree of thousands of small files spent most of its
     * publish waiting on them. Everything is forced before this returns; the first failure is thrown.
     */
    public void fsyncTree(Path root) throws IOException {
        List<Path> regular = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p)) {
                    dirs.add(p);
                } else if (Files.isRegularFile(p)) {
                    regular.add(p);
                }
            }
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        forceAll(regular, DurableFiles::fsyncFile);
        forceAll(dirs, DurableFiles::fsyncDirectory);
    }

    private interface Force {
        void force(Path p) throws IOException;
    }

    /** Forces every path, several at once when there are several; rethrows the first failure. */
    private static void forceAll(List<Path> paths, Force force) throws IOException {
        if (paths.size() <= 1) {
            for (Path p : paths) {
                force.force(p);
            }
            return;
        }
        int threads = Math.min(FSYNC_PARALLELISM, paths.size());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fsync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<?>> pending = new ArrayList<>(paths.size());
            for (Path p : paths) {
                pending.add(pool.submit(() -> {
                    force.force(p);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : pending) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException("fsync failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting for fsyncs below " + paths.get(0).getParent());
                }
            }
        } finally {
            pool.shutdown(); // never shutdownNow: an interrupt would close a channel under a running force
        }
    }

    private static void fsyncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Fsyncs a directory so a create or rename inside it survives a crash. Not every file system allows it. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on a directory (EINVAL); the rename is still atomic there.
            if (!(e.getMessage() != null && e.getMessage().contains("Invalid argument"))) {
                throw e;
            }
        }
    }

    /** Deletes a tree if it exists; missing entries (another cleaner got there first) are fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
            for (Path p : all) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException e) {
                    // Tolerated race: a concurrent sweep removed it.
                }
            }
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause();
            }
        }
    }

    /**
     * The mode as a creation attribute, so a file or directory is never, even for an instant, more open
     * than configured (the umask can only take bits away). Null where the file system has no POSIX modes.
     */
    private FileAttribute<?>[] attribute(boolean directory) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                directory ? permissions.forDirectories() : permissions.forFiles())} : new FileAttribute<?>[0];
    }

    private void setMode(Path p, boolean directory) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(directory ? permissions.forDirectories() : permissions.forFiles());
        }
    }

    /** The mode as {@code ls} prints it, for messages and tests. */
    public static String describeMode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
