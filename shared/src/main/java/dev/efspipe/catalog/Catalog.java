package dev.efspipe.catalog;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.json.Json;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.lock.FileLocks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared index of published versions: an append-only journal ({@code catalog/journal.ndjson}), one
 * JSON object per line, shared by every writer (processors in any number of Lambda environments,
 * containers, the CLI).
 *
 * <p>Appends happen under the exclusive lock of {@code catalog/journal.lock}, reads under its shared
 * lock, so a reader never sees a line being written. A committed line always ends with a newline; a
 * writer killed in the middle of an append leaves a tail without one, which the next append cuts off
 * before it writes (the killed writer's job re-runs and appends its entry again).
 */
public final class Catalog {
    private final EfsLayout layout;
    private final DurableFiles files;
    private final Duration lockTimeout;

    public Catalog(EfsLayout layout, DurableFiles files, Duration lockTimeout) {
        this.layout = layout;
        this.files = files;
        this.lockTimeout = lockTimeout;
    }

    /** Appends {@code entry} under the exclusive lock. */
    public void append(CatalogEntry entry) throws IOException {
        try (var lock = lockExclusive()) {
            appendLocked(entry);
        }
    }

    /**
     * Takes the exclusive lock for a caller that must read and write in one step (the publisher checks
     * whether its entry is already there and moves {@code CURRENT} under it).
     */
    public FileLocks.Held lockExclusive() throws IOException {
        files.createDirectories(layout.catalogDir());
        return FileLocks.exclusive(lockFile(), lockTimeout);
    }

    /** Appends while the caller holds {@link #lockExclusive()}. */
    public void appendLocked(CatalogEntry entry) throws IOException {
        byte[] line = (Json.MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        Path journal = layout.catalogJournal();
        if (!Files.exists(journal)) {
            files.createExclusively(journal, new byte[0]);
        }
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long committed = committedLength(ch, size);
            if (committed != size) {
                ch.truncate(committed);
            }
            ByteBuffer buf = ByteBuffer.wrap(line);
            long pos = committed;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
            ch.force(false);
        }
    }

    /** Every committed entry, oldest first, read under the shared lock. */
    public List<CatalogEntry> entries() throws IOException {
        if (!Files.exists(layout.catalogJournal())) {
            return List.of();
        }
        try (var lock = FileLocks.shared(lockFile(), lockTimeout)) {
            return readLocked();
        }
    }

    /** Reads while the caller holds a lock. */
    public List<CatalogEntry> readLocked() throws IOException {
        Path journal = layout.catalogJournal();
        if (!Files.exists(journal)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(journal);
        List<CatalogEntry> out = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lineNo++;
                if (i > start) {
                    try {
                        out.add(Json.MAPPER.readValue(all, start, i - start, CatalogEntry.class));
                    } catch (IOException e) {
                        throw new IOException("Catalog " + journal + " line " + lineNo + " is not a valid entry: "
                                + e.getMessage(), e);
                    }
                }
                start = i + 1;
            }
        }
        // Bytes after the last newline are an append cut short by a crash: not committed, not returned.
        return out;
    }

    private Path lockFile() {
        return layout.catalogDir().resolve("journal.lock");
    }

    private static long committedLength(FileChannel ch, long size) throws IOException {
        if (size == 0) {
            return 0;
        }
        long pos = size;
        // Scan back from the end for the last newline; a torn tail is at most one entry long.
        ByteBuffer block = ByteBuffer.allocate(4096);
        while (pos > 0) {
            long from = Math.max(0, pos - block.capacity());
            block.clear().limit((int) (pos - from));
            ch.read(block, from);
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            pos = from;
        }
        return 0;
    }
}
