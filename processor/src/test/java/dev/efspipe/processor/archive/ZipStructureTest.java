package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackLimits;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.output.StagingOutput;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.efspipe.processor.archive.TestArchives.entries;
import static dev.efspipe.processor.archive.TestArchives.utf8;
import static dev.efspipe.processor.archive.TestArchives.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The structure of a zip beyond what commons-compress checks: zip64, many entries, prepended data, local
 * headers that disagree with the central directory, overlapping entries. Malformed archives are made by
 * patching well-formed ones byte by byte.
 */
class ZipStructureTest {
    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;

    @TempDir
    Path work;

    private Unpacking unpacking;

    @BeforeEach
    void setUp() throws IOException {
        unpacking = new Unpacking(work);
    }

    /** Offsets of every record with {@code signature}, in file order. */
    private static List<Integer> offsets(byte[] zip, int signature) {
        ByteBuffer le = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (le.getInt(i) == signature) {
                at.add(i);
            }
        }
        return at;
    }

    private static ByteBuffer le(byte[] zip) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A zip of STORED entries with their sizes in the local headers (java.util.zip writes no data descriptor then). */
    private static byte[] storedZip(String... namesAndContents) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                byte[] data = utf8(namesAndContents[i + 1]);
                CRC32 crc = new CRC32();
                crc.update(data);
                ZipEntry e = new ZipEntry(namesAndContents[i]);
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                e.setCompressedSize(data.length);
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return buf.toByteArray();
    }

    // ---- zips that must be read ----------------------------------------------------------------------

    @Test
    void readsAZip64Archive() throws IOException {
        Path file = work.resolve("zip64.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            zip.setUseZip64(Zip64Mode.Always);
            zip.putArchiveEntry(new ZipArchiveEntry("rows.json"));
            zip.write(utf8("[{\"id\":1},{\"id\":2}]"));
            zip.closeArchiveEntry();
            zip.putArchiveEntry(new ZipArchiveEntry("notes.txt"));
            zip.write(utf8("zip64 records everywhere"));
            zip.closeArchiveEntry();
        }
        assertThat(offsets(Files.readAllBytes(file), 0x06064b50)).as("a zip64 end record").hasSize(1);

        unpacking.process(file, UnpackLimits.defaults());

        assertThat(unpacking.output.records()).isEqualTo(2);
        assertThat(unpacking.file("notes.txt")).hasContent("zip64 records everywhere");
    }

    /**
     * Zip64 is needed past 65,535 entries. Most entries here are directories, so the test reads the whole
     * central directory and every local header without creating 66,000 files.
     */
    @Test
    void readsAllEntriesOfAZipWithMoreThan65535() throws IOException {
        int directories = 65_600;
        int files = 400;
        Path file = work.resolve("many.zip");
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (int i = 0; i < directories; i++) {
                zip.putNextEntry(new ZipEntry(String.format("d%05d/", i)));
            }
            for (int i = 0; i < files; i++) {
                zip.putNextEntry(new ZipEntry(String.format("d%05d/f%03d.txt", i * 100, i)));
                zip.write(utf8(Integer.toString(i)));
            }
        }
        assertThat(offsets(Files.readAllBytes(file), 0x06064b50)).as("a zip64 end record").hasSize(1);
        StagingOutput out = new StagingOutput(unpacking.staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);

        int count;
        try (FileChannel channel = FileChannel.open(file); out) {
            count = new ZipUnpacker(new JsonRecordSplitter(), UnpackLimits.builder().maxEntries(66_000).build())
                    .unpack(channel, "many.zip", out);
        }

        assertThat(count).isEqualTo(directories + files);
        assertThat(out.files()).hasSize(files);
        assertThat(unpacking.file("d39900/f399.txt")).hasContent("399");
    }

    @Test
    void readsAZipAfterPrependedData() throws IOException {
        byte[] zip = zip(entries("inside.txt", "found"));
        byte[] stub = utf8("#!/bin/sh\necho a self-extracting stub\nexit 0\n");
        Path file = work.resolve("sfx.zip");
        Files.write(file, stub);
        Files.write(file, zip, StandardOpenOption.APPEND);
        StagingOutput out = new StagingOutput(unpacking.staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);

        try (FileChannel channel = FileChannel.open(file); out) {
            new ZipUnpacker(new JsonRecordSplitter(), UnpackLimits.defaults()).unpack(channel, "sfx.zip", out);
        }

        assertThat(unpacking.file("inside.txt")).hasContent("found");
    }

    // ---- entry counts --------------------------------------------------------------------------------

    @Test
    void countsTheCentralDirectoryBeforeReadingAnEntry() throws IOException {
        byte[] zip = zip(entries("1.txt", "1", "2.txt", "2", "3.txt", "3"));

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip, UnpackLimits.builder().maxEntries(2).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("upload.zip has more than 2 entries in its central directory")
                .hasMessageContaining("max entries = 2, from the caller");
        assertThat(unpacking.staging).isEmptyDirectory();
    }

    @Test
    void countsTheRecordsAndNotTheNumberTheEndRecordStates() throws IOException {
        byte[] zip = zip(entries("1.txt", "1", "2.txt", "2", "3.txt", "3"));
        int eocd = offsets(zip, 0x06054b50).get(0);
        le(zip).putShort(eocd + 8, (short) 1).putShort(eocd + 10, (short) 1); // "this archive has 1 entry"

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip, UnpackLimits.builder().maxEntries(2).build()))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("more than 2 entries");
    }

    // ---- local headers -------------------------------------------------------------------------------

    @Test
    void refusesALocalHeaderWhoseNameDisagreesWithTheCentralDirectory() throws IOException {
        byte[] zip = storedZip("invoice.txt", "paid");
        int local = offsets(zip, LOCAL).get(0);
        zip[local + 30] = 'I'; // a streaming reader would see "Invoice.txt"

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!invoice.txt")
                .hasMessageContaining("local file header disagrees with the central directory")
                .hasMessageContaining("name 'Invoice.txt'");
    }

    @Test
    void refusesALocalHeaderWhoseSizesDisagreeWithTheCentralDirectory() throws IOException {
        byte[] zip = storedZip("a.txt", "some content");
        int local = offsets(zip, LOCAL).get(0);
        le(zip).putInt(local + 22, 5); // uncompressed size

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!a.txt")
                .hasMessageContaining("size 5 instead of 12");
    }

    @Test
    void refusesALocalHeaderWhoseMethodDisagreesWithTheCentralDirectory() throws IOException {
        byte[] zip = storedZip("a.txt", "some content");
        int local = offsets(zip, LOCAL).get(0);
        le(zip).putShort(local + 8, (short) 8);

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("compression method 8 instead of 0");
    }

    @Test
    void refusesAnEntryWhoseDataIsShorterThanTheCentralDirectorySays() throws IOException {
        byte[] zip = zip(entries("a.txt", "twelve bytes")); // deflated, sizes in a data descriptor
        int central = offsets(zip, CENTRAL).get(0);
        le(zip).putInt(central + 24, 13);

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!a.txt")
                .hasMessageContaining("its data is 12 bytes long, the central directory says 13");
    }

    @Test
    void refusesAnUnsupportedCompressionMethod() throws IOException {
        byte[] zip = storedZip("a.txt", "some content");
        le(zip).putShort(offsets(zip, LOCAL).get(0) + 8, (short) 95).putShort(offsets(zip, CENTRAL).get(0) + 10, (short) 95);

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!a.txt")
                .hasMessageContaining("compression method 95 (XZ) is not supported");
    }

    // ---- overlapping entries -------------------------------------------------------------------------

    /**
     * "A better zip bomb" (Fifield, 2019) makes one entry's data include the next entry's local header, so
     * that every entry inflates the same kernel. Here entry 'a' is patched to span entry 'b' whole, with a
     * matching CRC-32 and local header, so that only the overlap gives it away.
     */
    @Test
    void refusesAnEntryThatStartsInsideTheDataOfAnother() throws IOException {
        byte[] zip = storedZip("a", "AAAA", "b", "BBBB");
        int localA = offsets(zip, LOCAL).get(0);
        int localB = offsets(zip, LOCAL).get(1);
        int dataA = localA + 30 + 1;
        int spanned = localB + 30 + 1 + 4 - dataA;
        CRC32 crc = new CRC32();
        crc.update(zip, dataA, spanned);
        int centralA = offsets(zip, CENTRAL).get(0);
        le(zip).putInt(localA + 14, (int) crc.getValue()).putInt(localA + 18, spanned).putInt(localA + 22, spanned)
                .putInt(centralA + 16, (int) crc.getValue()).putInt(centralA + 20, spanned).putInt(centralA + 24, spanned);

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!b starts inside the data of entry 'a'")
                .hasMessageContaining("overlapping entries");
    }

    @Test
    void refusesTwoEntriesThatShareOneLocalHeader() throws IOException {
        byte[] zip = storedZip("a", "AAAA", "b", "BBBB");
        int centralB = offsets(zip, CENTRAL).get(1);
        le(zip).putInt(centralB + 42, 0); // 'b' points at 'a's local header and data

        assertThatThrownBy(() -> unpacking.process("upload.zip", zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!b")
                .hasMessageContaining("local file header disagrees with the central directory");
    }
}
