package dev.efspipe.local.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Generates the benchmark's zip deterministically (same size and seed, same bytes): about 45% JSON documents
 * (arrays of order records, which the processor splits into NDJSON parts), 45% binary measurement files
 * (compressible, not trivially), and 10% small text files (64 KiB each, for the per-file costs), deflated
 * at the given level.
 */
public final class BenchArchive {
    /** What was written. */
    public record Summary(Path zip, long uncompressedBytes, long compressedBytes, int entries) {}

    private static final long MAX_ENTRY = 128L << 20;
    private static final int TEXT_FILE = 64 * 1024;

    private BenchArchive() {}

    public static Summary write(Path zip, long totalBytes, int level, long seed) throws IOException {
        Random random = new Random(seed);
        long json = totalBytes * 45 / 100;
        long binary = totalBytes * 45 / 100;
        long text = totalBytes - json - binary;
        long written = 0;
        int entries = 0;
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
            out.setLevel(level);
            for (int i = 0; json > 0; i++) {
                long size = Math.min(json, MAX_ENTRY);
                out.putNextEntry(new ZipEntry(String.format("json/orders-%03d.json", i)));
                written += writeJson(out, size, random);
                json -= size;
                entries++;
            }
            for (int i = 0; binary > 0; i++) {
                long size = Math.min(binary, MAX_ENTRY);
                out.putNextEntry(new ZipEntry(String.format("bin/measurements-%03d.bin", i)));
                written += writeBinary(out, size, random);
                binary -= size;
                entries++;
            }
            for (int i = 0; text > 0; i++) {
                int size = (int) Math.min(text, TEXT_FILE);
                out.putNextEntry(new ZipEntry(String.format("text/%02d/note-%05d.txt", i % 64, i)));
                written += writeText(out, size, random);
                text -= size;
                entries++;
            }
        }
        return new Summary(zip, written, Files.size(zip), entries);
    }

    /** A JSON array of about {@code size} bytes of order records. */
    private static long writeJson(OutputStream out, long size, Random random) throws IOException {
        String[] products = {"kettle", "lamp", "notebook", "chair", "café crème", "umbrella", "desk", "mug"};
        StringBuilder b = new StringBuilder(256);
        long written = 1;
        out.write('[');
        for (long i = 0; written < size - 1; i++) {
            b.setLength(0);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"id\":").append(i + 1)
                    .append(",\"customer\":\"customer-").append(random.nextInt(100_000)).append('"')
                    .append(",\"product\":\"").append(products[random.nextInt(products.length)]).append('"')
                    .append(",\"quantity\":").append(1 + random.nextInt(9))
                    .append(",\"price\":").append(random.nextInt(100_000) / 100.0)
                    .append(",\"gift\":").append(random.nextBoolean())
                    .append(",\"tags\":[\"").append(Long.toString(random.nextLong() & 0xffffff, 36)).append("\"]}");
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            out.write(bytes);
            written += bytes.length;
        }
        out.write(']');
        return written + 1;
    }

    /** Little-endian samples of a noisy, slowly drifting signal. */
    private static long writeBinary(OutputStream out, long size, Random random) throws IOException {
        byte[] block = new byte[1 << 16];
        long value = random.nextInt(1000);
        long written = 0;
        while (written < size) {
            for (int i = 0; i < block.length; i += 8) {
                value += random.nextInt(16) - 7;
                for (int b = 0; b < 8; b++) {
                    block[i + b] = (byte) (value >>> (8 * b));
                }
            }
            int n = (int) Math.min(block.length, size - written);
            out.write(block, 0, n);
            written += n;
        }
        return written;
    }

    /** Lines of words from a small vocabulary. */
    private static long writeText(OutputStream out, int size, Random random) throws IOException {
        String[] words = {"the", "upload", "archive", "entry", "record", "lambda", "file", "system", "shared", "index",
            "version", "publish", "limit", "ratio", "stream", "bytes"};
        StringBuilder b = new StringBuilder(size + 64);
        while (b.length() < size) {
            b.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? '\n' : ' ');
        }
        byte[] bytes = b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
        out.write(bytes);
        return bytes.length;
    }
}
