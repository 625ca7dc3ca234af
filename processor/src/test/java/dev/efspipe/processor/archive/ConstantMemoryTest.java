package dev.efspipe.processor.archive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 4, constant memory: a zip that expands to 300 MB (a 100 MB JSON entry split into records, and a
 * 200 MB binary entry extracted as a file) is processed in a child JVM whose heap is 64 MB, a fifth of one
 * entry. A reader that held an entry, a record list or the archive in memory would die there.
 */
class ConstantMemoryTest {
    private static final long JSON_BYTES = 100L << 20;
    private static final long BINARY_BYTES = 200L << 20;

    @TempDir
    Path work;

    /** Writes the zip in about two seconds: level 1, data generated on the fly. */
    private static void writeZip(Path file) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            zip.setLevel(1);
            zip.putNextEntry(new ZipEntry("records.json"));
            writeJson(zip);
            zip.putNextEntry(new ZipEntry("measurements.bin"));
            writeBinary(zip);
        }
    }

    static long writeJson(OutputStream out) throws IOException {
        long written = 1;
        out.write('[');
        StringBuilder record = new StringBuilder(128);
        for (long i = 0; written < JSON_BYTES; i++) {
            record.setLength(0);
            record.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"customer\":\"customer-").append(i % 9973)
                    .append("\",\"amount\":").append(i % 1000).append('.').append(i % 97).append(",\"tags\":[\"a\",\"b\"]}");
            byte[] bytes = record.toString().getBytes(StandardCharsets.US_ASCII);
            out.write(bytes);
            written += bytes.length;
        }
        out.write(']');
        return written + 1;
    }

    private static void writeBinary(OutputStream out) throws IOException {
        byte[] block = new byte[1 << 16];
        long value = 0;
        for (long written = 0; written < BINARY_BYTES; written += block.length) {
            for (int i = 0; i < block.length; i += 8) {
                value += 1 + (value >>> 7 & 3); // a slowly rising counter: compressible, but not trivially
                for (int b = 0; b < 8; b++) {
                    block[i + b] = (byte) (value >>> (8 * b));
                }
            }
            out.write(block);
        }
    }

    @Test
    void unpacksThreeHundredMegabytesInA64MegabyteHeap() throws IOException, InterruptedException {
        Path zip = work.resolve("big.zip");
        writeZip(zip);
        Path log = work.resolve("child.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                UnpackInChildJvm.class.getName(), zip.toString(), work.resolve("staging").toString());

        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = child.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
        }

        String output = Files.readString(log);
        assertThat(finished).as("the child finished within two minutes: %s", output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("OK ", "files=1");
        long bytes = Long.parseLong(output.replaceAll("(?s).*bytes=(\\d+).*", "$1"));
        assertThat(bytes).as("everything was written").isGreaterThan(JSON_BYTES + BINARY_BYTES - (1 << 20));
        long maxHeap = Long.parseLong(output.replaceAll("(?s).*maxHeap=(\\d+).*", "$1"));
        assertThat(maxHeap).isLessThanOrEqualTo(64L << 20);
    }
}
