package dev.efspipe.api.messages;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.lock.FileLocks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The seed's MessageWall: one text file on EFS that every concurrent Lambda environment reads and
 * appends to. Appends and the delete take the exclusive lock of {@code <file>.lock} (the same
 * {@link FileLocks} as the catalog: NFSv4 byte-range locks on EFS), reads its shared lock, so a line is
 * written whole or not at all as far as any reader can tell, and no writer's line lands inside
 * another's.
 *
 * <p>The answers are the seed's: {@value #EMPTY} for a wall without messages, the whole wall after a
 * post, {@value #DELETED} after a delete. A wall longer than {@code maxReadBytes} is answered with its
 * newest whole lines that fit ({@link Wall#truncatedFrom} says how long it is).
 */
public final class MessageWall {
    public static final String EMPTY = "No message yet.";
    public static final String DELETED = "Messages deleted.";

    /** The wall's text and, when only its end fits into an answer, the full length in bytes (else -1). */
    public record Wall(String text, long truncatedFrom) {}

    private final Path file;
    private final Path lockFile;
    private final DurableFiles files;
    private final Duration lockTimeout;
    private final long maxReadBytes;

    public MessageWall(Path file, DurableFiles files, Duration lockTimeout, long maxReadBytes) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.files = files;
        this.lockTimeout = lockTimeout;
        this.maxReadBytes = maxReadBytes;
    }

    public Wall read() throws IOException {
        if (!Files.exists(file)) {
            return new Wall(EMPTY, -1);
        }
        try (var lock = FileLocks.shared(lockFile, lockTimeout)) {
            return readLocked();
        }
    }

    /** Appends {@code message} (one line, already checked) and answers with the wall, as the seed does. */
    public Wall post(String message) throws IOException {
        byte[] line = (message + "\n").getBytes(StandardCharsets.UTF_8);
        files.createDirectories(file.getParent());
        try (var lock = FileLocks.exclusive(lockFile, lockTimeout)) {
            if (!Files.exists(file)) {
                files.createExclusively(file, new byte[0]);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                long pos = ch.size();
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                ch.force(false);
            }
            return readLocked();
        }
    }

    public String delete() throws IOException {
        if (Files.exists(file.getParent())) {
            try (var lock = FileLocks.exclusive(lockFile, lockTimeout)) {
                Files.deleteIfExists(file);
                DurableFiles.fsyncDirectory(file.getParent());
            }
        }
        return DELETED;
    }

    private Wall readLocked() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return new Wall(EMPTY, -1);
            }
            long from = Math.max(0, size - maxReadBytes);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
                // read until full
            }
            byte[] bytes = buf.array();
            int start = 0;
            if (from > 0) {
                while (start < bytes.length && bytes[start] != '\n') {
                    start++;
                }
                start = Math.min(start + 1, bytes.length);
            }
            return new Wall(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8), from > 0 ? size : -1);
        } catch (NoSuchFileException e) {
            return new Wall(EMPTY, -1);
        }
    }
}
