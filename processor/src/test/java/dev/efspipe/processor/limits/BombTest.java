package dev.efspipe.processor.limits;

import dev.efspipe.config.Settings;
import dev.efspipe.processor.archive.TestArchives;
import dev.efspipe.processor.archive.Unpacking;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.efspipe.processor.archive.TestArchives.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Compression bombs and oversized archives, each small on disk and built in the test by streaming zeros; the
 * limits are set small so that nothing big is ever written. Each stops with a message naming the limit, its
 * value and origin, the entry and the bytes seen, and leaves at most the limit's worth of the entry behind.
 */
class BombTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path work;

    private Unpacking unpacking;

    @BeforeEach
    void setUp() throws IOException {
        unpacking = new Unpacking(work);
    }

    /** A zip on disk with one deflated entry of {@code zeros} zero bytes: about a thousandth of that in size. */
    private Path zipOfZeros(String entry, long zeros) throws IOException {
        Path file = unpacking.inputs.resolve("bomb.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            zip.putArchiveEntry(new ZipArchiveEntry(entry));
            zeros(zip, zeros);
            zip.closeArchiveEntry();
        }
        return file;
    }

    /** What an entry left in staging: nothing at all if it was stopped before its file was created. */
    private static long bytesOnDisk(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    @Test
    void stopsAnEntryAtTheEntryLimitAndWritesNoMoreThanTheLimit() throws IOException {
        Path bomb = zipOfZeros("bomb.bin", 10 * MIB);
        assertThat(Files.size(bomb)).isLessThan(64 * 1024);

        assertThatThrownBy(() -> unpacking.process(bomb, UnpackLimits.builder().maxEntryBytes(MIB).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("Entry 'bomb.bin' of " + bomb + " inflated past 1048576 bytes (limit: max entry bytes = 1 MiB, from the caller; ")
                .hasMessageMatching(".*; \\d+ bytes read so far\\)");
        assertThat(bytesOnDisk(unpacking.file("bomb.bin"))).isLessThanOrEqualTo(MIB);
    }

    @Test
    void stopsAHighRatioEntryWithTheDefaultLimits() throws IOException {
        Path bomb = zipOfZeros("zeros.bin", 20 * MIB);

        assertThatThrownBy(() -> unpacking.process(bomb, UnpackLimits.defaults()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("Entry 'zeros.bin' of " + bomb + " inflated ")
                .hasMessageContaining("compressed bytes, a ratio over 200")
                .hasMessageContaining("max entry ratio = 200, from the default");
        assertThat(bytesOnDisk(unpacking.file("zeros.bin"))).isLessThan(9 * MIB);
    }

    @Test
    void namesTheEnvironmentVariableALimitCameFrom() throws IOException {
        Path bomb = zipOfZeros("bomb.bin", 3 * MIB);
        UnpackLimits limits = UnpackLimits.from(Settings.environment(Map.of(UnpackLimits.MAX_ENTRY_BYTES, "2097152")));

        assertThatThrownBy(() -> unpacking.process(bomb, limits))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("max entry bytes = 2 MiB, from the environment (PIPELINE_MAX_ENTRY_BYTES)");
    }

    @Test
    void stopsAGzipBombAtTheEntryLimit() throws IOException {
        Path bomb = unpacking.inputs.resolve("zeros.bin.gz");
        try (OutputStream gz = new GzipCompressorOutputStream(Files.newOutputStream(bomb))) {
            zeros(gz, 10 * MIB);
        }

        assertThatThrownBy(() -> unpacking.process(bomb, UnpackLimits.builder().maxEntryBytes(MIB).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("Entry 'zeros.bin' of " + bomb + " inflated past 1048576 bytes");
        assertThat(bytesOnDisk(unpacking.file("zeros.bin"))).isLessThanOrEqualTo(MIB);
    }

    @Test
    void stopsATarGzAtTheOverallRatioCountedOnTheBytesReadSoFar() throws IOException {
        Path bomb = unpacking.inputs.resolve("bomb.tar.gz");
        byte[] fourMib = new byte[(int) (4 * MIB)];
        Files.write(bomb, TestArchives.gzip(TestArchives.tar().file("a.bin", fourMib).file("b.bin", fourMib).file("c.bin", fourMib).bytes()));
        UnpackLimits limits = UnpackLimits.builder().maxTotalRatio(100).ratioGraceBytes(MIB).build();

        assertThatThrownBy(() -> unpacking.process(bomb, limits))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining(bomb + " inflated ")
                .hasMessageContaining("bytes of input (read from the upload so far), a ratio over 100, at entry 'a.bin'")
                .hasMessageContaining("max total ratio = 100, from the caller");
        assertThat(unpacking.file("b.bin")).doesNotExist();
    }

    @Test
    void stopsAtTheTotalLimitAcrossEntries() throws IOException {
        byte[] oneMib = new byte[(int) MIB];
        byte[] tar = TestArchives.tar().file("1.bin", oneMib).file("2.bin", oneMib).file("3.bin", oneMib).bytes();

        assertThatThrownBy(() -> unpacking.process("three.tar", tar, UnpackLimits.builder().maxTotalBytes(2 * MIB + 10).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("inflated past 2097162 bytes in total, at entry '3.bin'")
                .hasMessageContaining("max total bytes = 2097162 bytes, from the caller");
        assertThat(bytesOnDisk(unpacking.file("3.bin"))).isLessThanOrEqualTo(10);
    }

    @Test
    void refusesANameLongerThanTheLimit() throws IOException {
        String name = "n".repeat(60) + ".txt";
        byte[] tar = TestArchives.tar().file(name, "x").bytes();

        assertThatThrownBy(() -> unpacking.process("names.tar", tar, UnpackLimits.builder().maxNameLength(50).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("has a name of 64 characters (limit: max name length = 50, from the caller)");
    }

    @Test
    void refusesAPathDeeperThanTheLimit() throws IOException {
        byte[] tar = TestArchives.tar().file("a/b/c/d.txt", "x").bytes();

        assertThatThrownBy(() -> unpacking.process("deep.tar", tar, UnpackLimits.builder().maxPathDepth(3).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("'a/b/c/d.txt'")
                .hasMessageContaining("is 4 segments deep (limit: max path depth = 3, from the caller)");
    }
}
