package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import org.apache.commons.compress.archivers.zip.UnicodePathExtraField;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

import static dev.efspipe.processor.archive.TestArchives.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Zip entries that are not plain files, and names that change as they are decoded. */
class ZipLinksTest {
    @TempDir
    Path work;

    @TempDir
    Path elsewhere;

    private Unpacking unpacking;

    @BeforeEach
    void setUp() throws IOException {
        unpacking = new Unpacking(work);
    }

    @Test
    void refusesASymbolicLinkBeforeAnEntryCanBeWrittenThroughIt() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            ZipArchiveEntry link = new ZipArchiveEntry("link");
            link.setUnixMode(0120777);
            zip.putArchiveEntry(link);
            zip.write(utf8(elsewhere.toString()));
            zip.closeArchiveEntry();
            zip.putArchiveEntry(new ZipArchiveEntry("link/pwned.txt"));
            zip.write(utf8("pwned"));
            zip.closeArchiveEntry();
        }

        assertThatThrownBy(() -> unpacking.process("upload.zip", buf.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!link ")
                .hasMessageContaining("symbolic link");
        assertThat(elsewhere).isEmptyDirectory();
        assertThat(unpacking.staging.resolve("files/link")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {0010644, 0020644, 0060644, 0140644})
    void refusesFifosDevicesAndSockets(int mode) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            ZipArchiveEntry special = new ZipArchiveEntry("special");
            special.setUnixMode(mode);
            zip.putArchiveEntry(special);
            zip.closeArchiveEntry();
        }

        assertThatThrownBy(() -> unpacking.process("upload.zip", buf.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("upload.zip!special")
                .hasMessageContaining("are not extracted");
        assertThat(unpacking.staging.resolve("files")).doesNotExist();
    }

    /** The name a zip reader decodes from the Info-ZIP Unicode path extra field is checked, not only the raw one. */
    @Test
    void refusesANameThatClimbsOutOnlyAfterItsUnicodePathFieldIsApplied() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            zip.setUseLanguageEncodingFlag(false); // readers consult the Unicode field only for names not flagged UTF-8
            ZipArchiveEntry entry = new ZipArchiveEntry("harmless.txt");
            entry.addExtraField(new UnicodePathExtraField("../../escaped.txt", utf8("harmless.txt")));
            zip.putArchiveEntry(entry);
            zip.write(utf8("pwned"));
            zip.closeArchiveEntry();
        }

        assertThatThrownBy(() -> unpacking.process("upload.zip", buf.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'../../escaped.txt'")
                .hasMessageContaining("'..' path segment");
        unpacking.assertNothingOutsideStaging();
    }
}
