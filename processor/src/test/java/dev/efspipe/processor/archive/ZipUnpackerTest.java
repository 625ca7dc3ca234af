package dev.efspipe.processor.archive;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZipUnpackerTest {
    private static final String ARCHIVE = "upload.zip";

    @TempDir
    Path inputs;

    @TempDir
    Path work;

    private Path staging;
    /** What the last {@link #unpack} wrote, closed. */
    private StagingOutput output;

    @BeforeEach
    void setUp() throws IOException {
        staging = Files.createDirectory(work.resolve("staging"));
    }

    // ---- building archives in code -------------------------------------------------------------

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A well-formed zip (java.util.zip), entries deflated, in the given order. */
    private static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(utf8(e.getValue()));
                zip.closeEntry();
            }
        }
        return buf.toByteArray();
    }

    /** A zip with one entry of any name at all, which commons-compress writes without checking it. */
    private static byte[] zipWithRawName(String name, String content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            zip.putArchiveEntry(new ZipArchiveEntry(name));
            zip.write(utf8(content));
            zip.closeArchiveEntry();
        }
        return buf.toByteArray();
    }

    /** A zip whose one entry is STORED (not compressed), so its data sits in the archive verbatim. */
    private static byte[] storedZip(String name, String content) throws IOException {
        byte[] data = utf8(content);
        CRC32 crc = new CRC32();
        crc.update(data);
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        entry.setCrc(crc.getValue());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            zip.putNextEntry(entry);
            zip.write(data);
            zip.closeEntry();
        }
        return buf.toByteArray();
    }

    /**
     * An entry made on Unix, named after its platform is set: a new ZipArchiveEntry is an MS-DOS entry, whose
     * backslashes are turned into slashes, so the name must be set once the platform says Unix.
     */
    private static final class UnixEntry extends ZipArchiveEntry {
        UnixEntry(String name) {
            super("placeholder");
            setUnixMode(0100644);
            setName(name);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found in the archive: " + new String(needle, StandardCharsets.UTF_8));
    }

    /**
     * Sets general purpose bit 0 (encrypted) in every local file header (flags at offset 6) and central
     * directory header (flags at offset 8). ZipArchiveOutputStream computes the flags itself and drops
     * the entry's own encryption bit, so the bit is set in the bytes.
     */
    private static byte[] markEncrypted(byte[] zip) {
        byte[] out = zip.clone();
        ByteBuffer le = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (int i = 0; i + 4 <= out.length; i++) {
            int sig = le.getInt(i);
            int flagsAt = sig == 0x04034b50 ? i + 6 : sig == 0x02014b50 ? i + 8 : -1;
            if (flagsAt > 0) {
                le.putShort(flagsAt, (short) (le.getShort(flagsAt) | 1));
                patched++;
            }
        }
        assertThat(patched).as("local and central headers patched").isEqualTo(2);
        return out;
    }

    private int unpack(byte[] zip) throws IOException {
        return unpack(zip, new ZipUnpacker(new JsonRecordSplitter(), UnpackLimits.builder().maxEntries(100).build()));
    }

    private int unpack(byte[] zip, ZipUnpacker unpacker) throws IOException {
        Path file = inputs.resolve(ARCHIVE);
        Files.write(file, zip);
        StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);
        output = out;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); out) {
            return unpacker.unpack(channel, ARCHIVE, out);
        }
    }

    private void assertNothingOutsideStaging() throws IOException {
        try (Stream<Path> children = Files.list(work)) {
            assertThat(children).containsExactly(staging);
        }
    }

    // ---- what an archive becomes -----------------------------------------------------------------

    @Test
    void splitsAJsonEntryIntoPartsAndExtractsATextEntryUnderFiles() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("data/orders.json", "[{\"id\":1},{\"id\":2}]");
        entries.put("readme.txt", "read me\n");

        int count = unpack(zip(entries));

        assertThat(count).isEqualTo(2);
        assertThat(output.parts()).singleElement().satisfies(part -> {
            assertThat(part.source()).isEqualTo("data/orders.json");
            assertThat(part.records()).isEqualTo(2);
        });
        assertThat(staging.resolve("parts/part-00000.ndjson")).hasContent("{\"id\":1}\n{\"id\":2}");
        assertThat(output.files()).extracting(Manifest.FileEntry::name).containsExactly("files/readme.txt");
        assertThat(staging.resolve("files/readme.txt")).hasContent("read me");
        assertThat(staging.resolve("files/data/orders.json")).doesNotExist();
    }

    @Test
    void extractsEntriesBelowDirectoryEntries() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("docs/", "");
        entries.put("docs/notes.txt", "notes");

        unpack(zip(entries));

        assertThat(staging.resolve("files/docs/notes.txt")).hasContent("notes");
    }

    @Test
    void namesTheEntryWhenItsJsonIsInvalid() throws IOException {
        byte[] zip = zip(Map.of("broken.json", "[{\"id\":1},{\"id\":"));

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("broken.json")
                .hasMessageContaining("record 1");
    }

    // ---- hostile names -----------------------------------------------------------------------------

    @Test
    void refusesAnEntryThatClimbsOutWithDotDot() throws IOException {
        byte[] zip = zipWithRawName("../../escaped.txt", "pwned");

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("../../escaped.txt");
        assertNothingOutsideStaging();
    }

    @Test
    void refusesAnEntryWithAnAbsolutePath() throws IOException {
        String name = work.resolve("escaped.txt").toString();
        byte[] zip = zipWithRawName(name, "pwned");

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("absolute");
        assertNothingOutsideStaging();
    }

    @Test
    void refusesAnEntryThatClimbsOutWithBackslashes() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            zip.putArchiveEntry(new UnixEntry("..\\..\\escaped.txt"));
            zip.write(utf8("pwned"));
            zip.closeArchiveEntry();
        }

        assertThatThrownBy(() -> unpack(buf.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("..\\..\\escaped.txt")
                .hasMessageContaining("backslash");
        assertNothingOutsideStaging();
    }

    @Test
    void refusesAnEntryThatClimbsOutWithBackslashesFromAWindowsArchive() throws IOException {
        // Platform FAT (the default): readers turn the backslashes into slashes, which yields '..' segments.
        byte[] zip = zipWithRawName("..\\..\\escaped.txt", "pwned");

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("escaped.txt");
        assertNothingOutsideStaging();
    }

    @Test
    void refusesASymbolicLink() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            ZipArchiveEntry link = new ZipArchiveEntry("passwd");
            link.setUnixMode(0120777);
            zip.putArchiveEntry(link);
            zip.write(utf8("/etc/passwd"));
            zip.closeArchiveEntry();
        }

        assertThatThrownBy(() -> unpack(buf.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(ARCHIVE + "!passwd")
                .hasMessageContaining("symbolic link");
        assertThat(staging.resolve("files/passwd")).doesNotExist();
    }

    @Test
    void refusesNamesThatDifferOnlyInCase() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("A.txt", "upper");
        entries.put("a.txt", "lower");

        assertThatThrownBy(() -> unpack(zip(entries)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a.txt")
                .hasMessageContaining("collides with entry 'A.txt'");
    }

    @Test
    void refusesNamesThatDifferOnlyInUnicodeNormalisation() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("caf\u00e9.txt", "composed");
        entries.put("cafe\u0301.txt", "decomposed");

        assertThatThrownBy(() -> unpack(zip(entries)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("collides");
    }

    @Test
    void refusesAFileAndADirectoryOfTheSameName() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("report", "a file");
        entries.put("report/", "");

        assertThatThrownBy(() -> unpack(zip(entries)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("collides");
    }

    // ---- damaged and unsupported entries -------------------------------------------------------------

    @Test
    void refusesAnEntryWhoseDataDoesNotMatchItsCrc() throws IOException {
        String content = "the quick brown fox jumps over the lazy dog";
        byte[] zip = storedZip("fox.txt", content);
        int at = indexOf(zip, utf8(content)) + 4;
        zip[at] ^= 0x20; // "quick" becomes "Quick": same length, different CRC-32

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(ARCHIVE + "!fox.txt")
                .hasMessageContaining("CRC");
    }

    @Test
    void refusesAJsonEntryWhoseDataDoesNotMatchItsCrc() throws IOException {
        String content = "[{\"name\":\"alice\"},{\"name\":\"bob\"}]";
        byte[] zip = storedZip("people.json", content);
        int at = indexOf(zip, utf8("alice"));
        zip[at] ^= 0x20; // still valid JSON, only the CRC-32 can tell

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("people.json")
                .hasMessageContaining("CRC");
    }

    @Test
    void refusesAnEncryptedEntry() throws IOException {
        byte[] zip = markEncrypted(storedZip("secret.txt", "not really encrypted"));

        assertThatThrownBy(() -> unpack(zip))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(ARCHIVE + "!secret.txt")
                .hasMessageContaining("encrypted entries are not supported");
        assertThat(staging.resolve("files/secret.txt")).doesNotExist();
    }

    @Test
    void refusesMoreEntriesThanTheLimit() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("1.txt", "1");
        entries.put("2.txt", "2");
        entries.put("3.txt", "3");

        assertThatThrownBy(() -> unpack(zip(entries), new ZipUnpacker(new JsonRecordSplitter(), UnpackLimits.builder().maxEntries(2).build())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(ARCHIVE)
                .hasMessageContaining("more than 2 entries");
    }

    @Test
    void refusesATruncatedArchiveAsBadInput() throws IOException {
        byte[] whole = zip(Map.of("a.txt", "some text that is long enough to matter"));
        byte[] cut = Arrays.copyOf(whole, whole.length - 30);

        assertThatThrownBy(() -> unpack(cut))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(ARCHIVE);
    }
}
