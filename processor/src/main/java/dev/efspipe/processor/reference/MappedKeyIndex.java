package dev.efspipe.processor.reference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.spi.KeyIndex;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Records by key, with nothing on the Java heap: an open-addressing hash table in a memory-mapped file
 * ({@code slots}), the keys in a second one ({@code keys}), and the records themselves read straight from
 * the mapped NDJSON data files where they were published. A lookup costs a hash, a probe or two and one copy
 * of the record; the heap holds only the mappings' handles, whatever the number of records.
 *
 * <p>A slot is 32 bytes: the key's 64-bit hash (0: empty), the key's position in {@code keys} (a 4-byte
 * length and the UTF-8 bytes), the record's offset, data file and length. The table has at least twice as
 * many slots as the dataset's manifest counts records (linear probing stays short); a hash match is confirmed
 * by comparing the key bytes, so collisions cost a comparison, never a wrong record.
 */
public final class MappedKeyIndex implements KeyIndex, AutoCloseable {
    static final int SLOT = 32;

    private final Path dir;
    private final MappedFile slots;
    private final MappedFile keys;
    private final MappedFile[] data;
    private final long mask;
    private final long size;

    private MappedKeyIndex(Path dir, MappedFile slots, MappedFile keys, MappedFile[] data, long mask, long size) {
        this.dir = dir;
        this.slots = slots;
        this.keys = keys;
        this.data = data;
        this.mask = mask;
        this.size = size;
    }

    /**
     * Builds the index of {@code dataFiles} (NDJSON, one record per line) by the top-level member
     * {@code keyField}, in {@code dir} (created, and owned by the index from then on).
     *
     * @param expectedRecords how many records the files hold (the manifest says): sizes the table
     */
    public static MappedKeyIndex build(List<Path> dataFiles, long expectedRecords, String keyField, Path dir, JsonFactory json)
            throws IOException {
        Files.createDirectories(dir);
        long capacity = Long.highestOneBit(Math.max(16, expectedRecords) * 2 - 1) << 1;
        MappedFile slots = MappedFile.create(dir.resolve("slots"), capacity * SLOT);
        Path keysFile = dir.resolve("keys");
        long distinct = 0;
        try (FileChannel keysChannel = FileChannel.open(keysFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             Counting keysOut = new Counting(new BufferedOutputStream(Channels.newOutputStream(keysChannel), 1 << 16))) {
            Builder b = new Builder(slots, capacity - 1, keysOut, keysChannel);
            for (int part = 0; part < dataFiles.size(); part++) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(dataFiles.get(part)), 1 << 16);
                     JsonParser p = json.createParser(in)) {
                    JsonToken t;
                    while ((t = p.nextToken()) != null) {
                        long start = p.currentTokenLocation().getByteOffset();
                        if (t != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        String key = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken value = p.nextToken();
                            if (key == null && value.isScalarValue() && value != JsonToken.VALUE_NULL && name.equals(keyField)) {
                                key = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                        long end = p.currentLocation().getByteOffset();
                        if (key != null) {
                            if (b.put(key.getBytes(StandardCharsets.UTF_8), part, start, (int) (end - start)) && ++distinct > capacity / 4 * 3) {
                                throw new IOException("More records in " + dataFiles + " than their manifest counts (" + expectedRecords + ")");
                            }
                        }
                    }
                }
            }
        }
        MappedFile[] data = new MappedFile[dataFiles.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = MappedFile.readOnly(dataFiles.get(i));
        }
        return new MappedKeyIndex(dir, slots, MappedFile.readOnly(keysFile), data, capacity - 1, distinct);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] get(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long h = hash(k);
        for (long slot = h & mask; ; slot = (slot + 1) & mask) {
            long at = slot * SLOT;
            long stored = slots.getLong(at);
            if (stored == 0) {
                return null;
            }
            if (stored == h && keyEquals(keys, slots.getLong(at + 8), k)) {
                byte[] record = new byte[slots.getInt(at + 28)];
                data[slots.getInt(at + 24)].get(slots.getLong(at + 16), record, 0, record.length);
                return record;
            }
        }
    }

    /** Deletes the index's files (the mappings go when the index is garbage collected). */
    @Override
    public void close() throws IOException {
        DurableFiles.deleteTree(dir);
    }

    private static boolean keyEquals(MappedFile keys, long pos, byte[] k) {
        if (keys.getInt(pos) != k.length) {
            return false;
        }
        for (int i = 0; i < k.length; i++) {
            if (keys.get(pos + 4 + i) != k[i]) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the bytes, then MurmurHash3's finaliser to spread them over the table; never 0. */
    static long hash(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    /** Fills the table while the keys file is still being written. */
    private static final class Builder {
        final MappedFile slots;
        final long mask;
        final Counting keysOut;
        final FileChannel keysChannel;

        Builder(MappedFile slots, long mask, Counting keysOut, FileChannel keysChannel) {
            this.slots = slots;
            this.mask = mask;
            this.keysOut = keysOut;
            this.keysChannel = keysChannel;
        }

        /** Adds or replaces (the last record with a key wins); true when the key is new. */
        boolean put(byte[] k, int part, long offset, int length) throws IOException {
            long h = hash(k);
            for (long slot = h & mask; ; slot = (slot + 1) & mask) {
                long at = slot * SLOT;
                long stored = slots.getLong(at);
                if (stored == 0) {
                    long keyPos = keysOut.count;
                    keysOut.data.writeInt(k.length);
                    keysOut.data.write(k);
                    slots.putLong(at + 8, keyPos);
                    write(at, part, offset, length);
                    slots.putLong(at, h);
                    return true;
                }
                if (stored == h && sameKey(slots.getLong(at + 8), k)) {
                    write(at, part, offset, length);
                    return false;
                }
            }
        }

        private void write(long at, int part, long offset, int length) {
            slots.putLong(at + 16, offset);
            slots.putInt(at + 24, part);
            slots.putInt(at + 28, length);
        }

        /** A full hash match (a duplicate key, or a one-in-2^64 collision): compared against the keys written so far. */
        private boolean sameKey(long pos, byte[] k) throws IOException {
            keysOut.data.flush();
            ByteBuffer b = ByteBuffer.allocate(4 + k.length);
            while (b.hasRemaining() && keysChannel.read(b, pos + b.position()) > 0) {
                // read the stored length and as many bytes as the probe key has
            }
            b.flip();
            if (b.remaining() < 4 || b.getInt() != k.length) {
                return false;
            }
            byte[] stored = new byte[b.remaining()];
            b.get(stored);
            return Arrays.equals(stored, k);
        }
    }

    /** The keys file's stream, counting bytes so each key's position is known. */
    private static final class Counting implements AutoCloseable {
        final DataOutputStream data;
        long count;

        Counting(OutputStream out) {
            this.data = new DataOutputStream(new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    count++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    count += len;
                }
            });
        }

        @Override
        public void close() throws IOException {
            data.close();
        }
    }
}
