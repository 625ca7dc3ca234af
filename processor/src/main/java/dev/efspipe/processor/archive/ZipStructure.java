package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What commons-compress {@code ZipFile} does not check about a zip's structure, read straight from the
 * archive's channel: how many entries the central directory really holds (before {@code ZipFile} loads
 * them all into memory), and whether each entry's local file header agrees with the central directory.
 */
final class ZipStructure {
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final long UNSIGNED_INT = 0xffffffffL;

    private ZipStructure() {}

    /**
     * Counts the records of the central directory, reading at most {@code max + 1} of them, in constant memory.
     * The count in the end record is not trusted (a reader that loops while it finds records reads them all);
     * the records are. Returns -1 if the end records cannot be found or make no sense, which leaves the
     * verdict to {@code ZipFile}.
     */
    static long countEntries(SeekableByteChannel channel, long max) throws IOException {
        long size = channel.size();
        if (size < 22) {
            return -1;
        }
        int tailLength = (int) Math.min(size, 22 + 0xffff);
        ByteBuffer tail = readAt(channel, size - tailLength, tailLength);
        int at = -1;
        for (int i = tail.limit() - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return -1;
        }
        long eocd = size - tailLength + at;
        long cdSize = tail.getInt(at + 12) & UNSIGNED_INT;
        long cdEnd = eocd;
        if (eocd >= 20 + 56) {
            ByteBuffer locator = readAt(channel, eocd - 20, 20);
            if (locator.limit() == 20 && locator.getInt(0) == ZIP64_LOCATOR) {
                // The zip64 end record sits right before its locator (its stated offset ignores prepended data).
                ByteBuffer record = readAt(channel, eocd - 20 - 56, 56);
                if (record.limit() < 56 || record.getInt(0) != ZIP64_EOCD) {
                    return -1;
                }
                cdSize = record.getLong(40);
                cdEnd = eocd - 20 - 56;
            }
        }
        long cdStart = cdEnd - cdSize;
        if (cdSize < 0 || cdStart < 0) {
            return -1;
        }
        channel.position(cdStart);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        ByteBuffer header = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
        long count = 0;
        long consumed = 0;
        while (consumed + 46 <= cdSize && count <= max) {
            if (in.readNBytes(header.array(), 0, 46) < 46 || header.getInt(0) != CENTRAL_HEADER) {
                break;
            }
            count++;
            long rest = (header.getShort(28) & 0xffff) + (header.getShort(30) & 0xffff) + (header.getShort(32) & 0xffff);
            in.skipNBytes(Math.min(rest, cdSize - consumed - 46));
            consumed += 46 + rest;
        }
        return count;
    }

    /**
     * Compares an entry's local file header with its central directory record: the name (as bytes), the
     * compression method, the encryption flag and, unless the sizes follow the data (a data descriptor),
     * CRC-32 and sizes. A disagreement is how a zip shows one thing to a streaming reader and another to a
     * central-directory reader; the job stops rather than choose.
     */
    static void checkLocalHeader(SeekableByteChannel channel, ZipArchiveEntry entry, String where) throws IOException {
        byte[] cdName = entry.getRawName();
        long offset = entry.getLocalHeaderOffset();
        ByteBuffer h = readAt(channel, offset, 30 + cdName.length);
        if (h.limit() < 30 || h.getInt(0) != LOCAL_HEADER) {
            throw new InvalidInputException(where + ": no local file header at offset " + offset
                    + ", where the central directory says the entry starts");
        }
        int flags = h.getShort(6) & 0xffff;
        int method = h.getShort(8) & 0xffff;
        long crc = h.getInt(14) & UNSIGNED_INT;
        long compressed = h.getInt(18) & UNSIGNED_INT;
        long size = h.getInt(22) & UNSIGNED_INT;
        int nameLength = h.getShort(26) & 0xffff;
        int extraLength = h.getShort(28) & 0xffff;

        List<String> differences = new ArrayList<>();
        byte[] localName = nameLength == cdName.length && h.limit() == 30 + nameLength
                ? Arrays.copyOfRange(h.array(), 30, 30 + nameLength)
                : readAt(channel, offset + 30, nameLength).array();
        if (!Arrays.equals(localName, cdName)) {
            differences.add("name '" + DatasetName.printable(new String(localName, StandardCharsets.UTF_8)) + "'");
        }
        if (method != entry.getMethod()) {
            differences.add("compression method " + method + " instead of " + entry.getMethod());
        }
        if (((flags & 1) != 0) != entry.getGeneralPurposeBit().usesEncryption()) {
            differences.add("encryption flag " + ((flags & 1) != 0 ? "set" : "clear"));
        }
        if ((flags & 8) == 0) {
            if (compressed == UNSIGNED_INT || size == UNSIGNED_INT) {
                ByteBuffer extra = readAt(channel, offset + 30 + nameLength, extraLength);
                for (int i = 0; i + 4 <= extra.limit(); ) {
                    int id = extra.getShort(i) & 0xffff;
                    int length = extra.getShort(i + 2) & 0xffff;
                    if (id == 0x0001 && length >= 16 && i + 4 + 16 <= extra.limit()) {
                        size = extra.getLong(i + 4);
                        compressed = extra.getLong(i + 12);
                    }
                    i += 4 + length;
                }
            }
            if (crc != entry.getCrc()) {
                differences.add(String.format("CRC-32 %08x instead of %08x", crc, entry.getCrc()));
            }
            if (compressed != entry.getCompressedSize()) {
                differences.add("compressed size " + compressed + " instead of " + entry.getCompressedSize());
            }
            if (size != entry.getSize()) {
                differences.add("size " + size + " instead of " + entry.getSize());
            }
        }
        if (!differences.isEmpty()) {
            throw new InvalidInputException(where + ": its local file header disagrees with the central directory: "
                    + String.join(", ", differences));
        }
    }

    /** Reads up to {@code length} bytes at {@code position}; the buffer's limit says how many there were. */
    private static ByteBuffer readAt(SeekableByteChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        // ZipFile reads a channel that is not a FileChannel under the channel's lock; so does this.
        synchronized (channel) {
            channel.position(position);
            while (buf.hasRemaining() && channel.read(buf) >= 0) {
                // until full or at the end
            }
        }
        return buf.flip();
    }
}
