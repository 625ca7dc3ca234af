package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackLimits;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static dev.efspipe.processor.archive.TestArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tar archives, plain and hostile, each built in the test. */
class TarUnpackerTest {
    @TempDir
    Path work;

    @TempDir
    Path elsewhere;

    private Unpacking unpacking;

    @BeforeEach
    void setUp() throws IOException {
        unpacking = new Unpacking(work);
    }

    private Format process(byte[] tar) throws IOException {
        return unpacking.process("upload.tar", tar);
    }

    // ---- what a tar becomes ---------------------------------------------------------------------------

    @Test
    void splitsAJsonEntryAndExtractsTheOthersUnderFiles() throws IOException {
        byte[] tar = tar().dir("data").file("data/rows.json", "[{\"id\":1},{\"id\":2}]").file("docs/readme.txt", "read me").bytes();

        Format format = process(tar);

        assertThat(format).isEqualTo(Format.TAR);
        assertThat(unpacking.output.parts()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo("data/rows.json");
            assertThat(p.records()).isEqualTo(2);
        });
        assertThat(unpacking.output.files()).extracting(Manifest.FileEntry::name).containsExactly("files/docs/readme.txt");
        assertThat(unpacking.file("docs/readme.txt")).hasContent("read me");
        assertThat(unpacking.file("data/rows.json")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void extractsAnEntryWhoseNameIsLongerThanAUstarHeaderHolds(boolean pax) throws IOException {
        String name = "deep/" + "directory-with-a-long-name/".repeat(5) + "file-" + "x".repeat(40) + ".txt";
        assertThat(name.length()).isGreaterThan(100);
        TestArchives.Tar builder = tar();
        if (!pax) {
            builder.gnuLongNames();
        }

        process(builder.file(name, "long").bytes());

        assertThat(unpacking.file(name)).hasContent("long");
    }

    @Test
    void createsFilesWithThePipelinesModeAndNeverTheArchivesSetuidBits() throws IOException {
        TarArchiveEntry setuid = new TarArchiveEntry("tool.sh", true);
        setuid.setMode(0104777); // setuid, world-writable
        setuid.setSize(2);

        process(tar().entry(setuid, TestArchives.utf8("#!")).bytes());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(unpacking.file("tool.sh")))).isEqualTo("rw-r-----");
    }

    @Test
    void takesTheRootEntryAndLeadingDotSlashesAsTarWritesThemFromADirectory() throws IOException {
        byte[] tar = tar().dir("./").dir("./sub/").file("./sub/a.txt", "a").file("./rows.json", "[1,2]").bytes();

        process(tar);

        assertThat(unpacking.file("sub/a.txt")).hasContent("a");
        assertThat(unpacking.output.parts()).extracting(Manifest.Part::source).containsExactly("rows.json");
        assertThat(unpacking.output.files()).extracting(Manifest.FileEntry::name).containsExactly("files/sub/a.txt");
    }

    // ---- hostile names ----------------------------------------------------------------------------------

    @Test
    void refusesALeadingDotSlashThatClimbsOut() throws IOException {
        byte[] tar = tar().dir("./").file("./../escaped.txt", "pwned").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'./../escaped.txt'")
                .hasMessageContaining("'..' path segment");
        unpacking.assertNothingOutsideStaging();
    }

    @Test
    void refusesAFileThatNamesTheRoot() throws IOException {
        assertThatThrownBy(() -> process(tar().file(".", "not a directory").bytes()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("root directory");
    }

    @Test
    void refusesTheSameFileNamedWithAndWithoutALeadingDotSlash() throws IOException {
        byte[] tar = tar().file("./report.txt", "first").file("report.txt", "second").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'report.txt'")
                .hasMessageContaining("collides with entry './report.txt'");
        assertThat(unpacking.file("report.txt")).hasContent("first");
    }

    @Test
    void refusesAnEntryThatClimbsOutWithDotDot() throws IOException {
        byte[] tar = tar().file("../../escaped.txt", "pwned").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'../../escaped.txt'")
                .hasMessageContaining("upload.tar")
                .hasMessageContaining("'..' path segment");
        unpacking.assertNothingOutsideStaging();
    }

    @Test
    void refusesAnAbsoluteNameInTheUstarHeader() throws IOException {
        String name = elsewhere.resolve("escaped.txt").toString();
        assertThat(name.length()).isLessThan(100);

        assertThatThrownBy(() -> process(tar().file(name, "pwned").bytes()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("absolute path");
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void keepsALongAbsolutePaxNameInsideFilesBecauseTheReaderDropsItsLeadingSlash() throws IOException {
        String relative = "x".repeat(120) + "/escaped.txt";
        String name = elsewhere + "/" + relative;

        process(tar().file(name, "contained").bytes());

        assertThat(elsewhere).isEmptyDirectory();
        assertThat(unpacking.file(name.substring(1))).hasContent("contained");
        unpacking.assertNothingOutsideStaging();
    }

    @Test
    void refusesAnEntryThatClimbsOutWithBackslashes() throws IOException {
        byte[] tar = tar().file("..\\..\\escaped.txt", "pwned").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("..\\..\\escaped.txt")
                .hasMessageContaining("backslash");
        unpacking.assertNothingOutsideStaging();
    }

    // ---- links and special files ------------------------------------------------------------------------

    @Test
    void refusesASymbolicLinkBeforeAnEntryCanBeWrittenThroughIt() throws IOException {
        byte[] tar = tar().symlink("link", elsewhere.toString()).file("link/pwned.txt", "pwned").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.tar!link")
                .hasMessageContaining("symbolic link to '" + elsewhere + "'");
        assertThat(elsewhere).isEmptyDirectory();
        assertThat(unpacking.staging.resolve("files/link")).doesNotExist();
    }

    @Test
    void refusesASymbolicLinkThatStaysInsideTheTree() throws IOException {
        byte[] tar = tar().file("real.txt", "real").symlink("alias.txt", "real.txt").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.tar!alias.txt")
                .hasMessageContaining("links are not extracted");
    }

    @Test
    void refusesAHardLink() throws IOException {
        byte[] tar = tar().hardLink("passwd", "/etc/passwd").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.tar!passwd")
                .hasMessageContaining("hard link to '/etc/passwd'");
        assertThat(unpacking.staging.resolve("files/passwd")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
    void refusesDevicesAndFifos(byte type) throws IOException {
        byte[] tar = tar().special("dev/thing", type).bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.tar!dev/thing")
                .hasMessageContaining("device files and FIFOs are not extracted");
        assertThat(unpacking.staging.resolve("files")).doesNotExist();
    }

    // ---- collisions -----------------------------------------------------------------------------------------

    @Test
    void refusesANameThatAppearsTwice() throws IOException {
        byte[] tar = tar().file("report.txt", "first").file("report.txt", "second").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'report.txt' of ")
                .hasMessageContaining("upload.tar appears twice");
        assertThat(unpacking.file("report.txt")).hasContent("first");
    }

    @Test
    void refusesNamesThatDifferOnlyInCase() throws IOException {
        byte[] tar = tar().file("README.txt", "upper").file("readme.TXT", "lower").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'readme.TXT'")
                .hasMessageContaining("collides with entry 'README.txt'");
    }

    @Test
    void refusesDirectoriesThatDifferOnlyInCase() throws IOException {
        byte[] tar = tar().file("Data/a.txt", "a").file("data/b.txt", "b").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'data/b.txt'")
                .hasMessageContaining("collides with directory 'Data'");
    }

    @Test
    void refusesNamesThatDifferOnlyInUnicodeNormalisation() throws IOException {
        byte[] tar = tar().file("caf\u00e9.txt", "composed").file("cafe\u0301.txt", "decomposed").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("collides with entry 'caf\u00e9.txt'");
    }

    @Test
    void refusesAnEntryBelowAFile() throws IOException {
        byte[] tar = tar().file("report", "a file").file("report/inner.txt", "below it").bytes();

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'report/inner.txt'")
                .hasMessageContaining("below entry 'report', which is a file");
    }

    @Test
    void acceptsADirectoryListedAgainAfterItsFiles() throws IOException {
        process(tar().file("dir/a.txt", "a").dir("dir").dir("dir").bytes());

        assertThat(unpacking.file("dir/a.txt")).hasContent("a");
    }

    // ---- damage and limits ------------------------------------------------------------------------------

    @Test
    void refusesATruncatedTarAsBadInput() throws IOException {
        byte[] whole = tar().file("a.bin", new byte[5000]).bytes();
        byte[] cut = Arrays.copyOf(whole, 512 + 2048);

        assertThatThrownBy(() -> process(cut))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.tar");
    }

    @Test
    void refusesATarHeaderWithABadChecksumAsBadInput() throws IOException {
        byte[] tar = tar().file("a.txt", "a").file("b.txt", "b").bytes();
        tar[1024] ^= 0x01; // the second header's name: its checksum no longer matches

        assertThatThrownBy(() -> process(tar))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.tar");
    }

    @Test
    void refusesMoreEntriesThanTheLimit() throws IOException {
        byte[] tar = tar().file("1.txt", "1").file("2.txt", "2").file("3.txt", "3").bytes();
        UnpackLimits two = UnpackLimits.builder().maxEntries(2).build();

        assertThatThrownBy(() -> unpacking.process("upload.tar", tar, two))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("upload.tar has more than 2 entries")
                .hasMessageContaining("max entries = 2, from the caller")
                .hasMessageContaining("stopped at entry '3.txt'");
        assertThat(unpacking.file("3.txt")).doesNotExist();
    }
}
