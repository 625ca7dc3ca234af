package dev.efspipe.processor.reference;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file mapped into memory in chunks (one {@link MappedByteBuffer} is limited to 2 GiB), read and written at
 * absolute positions: outside the Java heap, shared with the page cache, and safe for many reading threads
 * (absolute gets do not move a buffer's position). Values that straddle two chunks are assembled byte by byte.
 *
 * <p>Java 17 cannot unmap a buffer on request: the mapping goes when the buffer is garbage collected. Deleting
 * the file before that is fine on Linux (the inode lives until the last mapping goes).
 */
final class MappedFile {
    static final int DEFAULT_CHUNK = 1 << 30;

    private final MappedByteBuffer[] chunks;
    private final int chunk;
    private final long size;

    private MappedFile(MappedByteBuffer[] chunks, int chunk, long size) {
        this.chunks = chunks;
        this.chunk = chunk;
        this.size = size;
    }

    static MappedFile readOnly(Path file) throws IOException {
        return map(file, -1, FileChannel.MapMode.READ_ONLY, DEFAULT_CHUNK);
    }

    /** Creates {@code file} (zero-filled, sparse) with {@code size} bytes and maps it for writing. */
    static MappedFile create(Path file, long size) throws IOException {
        return map(file, size, FileChannel.MapMode.READ_WRITE, DEFAULT_CHUNK);
    }

    /** With a chunk size of the caller's (tests use small ones to cross chunk boundaries). */
    static MappedFile map(Path file, long createSize, FileChannel.MapMode mode, int chunk) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), mode == FileChannel.MapMode.READ_ONLY ? "r" : "rw")) {
            if (createSize >= 0) {
                raf.setLength(createSize);
            }
            long size = raf.length();
            int n = (int) ((size + chunk - 1) / chunk);
            MappedByteBuffer[] chunks = new MappedByteBuffer[n];
            FileChannel ch = raf.getChannel();
            for (int i = 0; i < n; i++) {
                long from = (long) i * chunk;
                chunks[i] = ch.map(mode, from, Math.min(chunk, size - from));
            }
            return new MappedFile(chunks, chunk, size); // mappings outlive the channel
        }
    }

    long size() {
        return size;
    }

    byte get(long pos) {
        return chunks[(int) (pos / chunk)].get((int) (pos % chunk));
    }

    int getInt(long pos) {
        int at = (int) (pos % chunk);
        if (at <= chunk - 4) {
            return chunks[(int) (pos / chunk)].getInt(at);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (get(pos + i) & 0xff);
        }
        return v;
    }

    long getLong(long pos) {
        int at = (int) (pos % chunk);
        if (at <= chunk - 8) {
            return chunks[(int) (pos / chunk)].getLong(at);
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (get(pos + i) & 0xff);
        }
        return v;
    }

    void putInt(long pos, int v) {
        int at = (int) (pos % chunk);
        if (at <= chunk - 4) {
            chunks[(int) (pos / chunk)].putInt(at, v);
            return;
        }
        for (int i = 0; i < 4; i++) {
            put(pos + i, (byte) (v >>> (24 - 8 * i)));
        }
    }

    void putLong(long pos, long v) {
        int at = (int) (pos % chunk);
        if (at <= chunk - 8) {
            chunks[(int) (pos / chunk)].putLong(at, v);
            return;
        }
        for (int i = 0; i < 8; i++) {
            put(pos + i, (byte) (v >>> (56 - 8 * i)));
        }
    }

    private void put(long pos, byte b) {
        chunks[(int) (pos / chunk)].put((int) (pos % chunk), b);
    }

    /** Copies {@code len} bytes from {@code pos} into {@code dst}, across chunks if need be. */
    void get(long pos, byte[] dst, int off, int len) {
        while (len > 0) {
            int c = (int) (pos / chunk);
            int at = (int) (pos % chunk);
            int n = Math.min(len, chunk - at);
            chunks[c].get(at, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }
}
