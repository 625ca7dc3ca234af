package dev.efspipe.processor.output;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class StagingOutputTest {
    private static final int BOUND = 1024;

    @TempDir
    Path root;

    private Path staging;
    private StagingOutput out;

    @BeforeEach
    void setUp() throws IOException {
        staging = Files.createDirectory(root.resolve("staging"));
        out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), BOUND);
    }

    /** Records of varying length (about 40 to 140 bytes), each distinct, in order. */
    private static List<String> records(int n) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i * 37 % 100) + "\"}");
        }
        return records;
    }

    private void write(String source, List<String> records) throws IOException {
        for (String r : records) {
            out.recordStream(source).write(r.getBytes(StandardCharsets.UTF_8));
            out.endRecord();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> linesOf(Manifest.Part part) throws IOException {
        return Files.readAllLines(staging.resolve(part.name()), StandardCharsets.UTF_8);
    }

    @Test
    void rollsPartsOverAtTheSizeBound() throws IOException {
        write("a.json", records(100));
        out.close();

        List<Manifest.Part> parts = out.parts();
        assertThat(parts).hasSizeGreaterThan(3);
        for (Manifest.Part part : parts.subList(0, parts.size() - 1)) {
            List<String> lines = linesOf(part);
            long withoutLast = part.bytes() - (lines.get(lines.size() - 1).length() + 1);
            assertThat(part.bytes()).as(part.name()).isGreaterThanOrEqualTo(BOUND);
            assertThat(withoutLast).as("%s was still under the bound before its last record", part.name()).isLessThan(BOUND);
        }
    }

    @Test
    void listsPartsThatMatchTheFilesOnDisk() throws IOException {
        write("a.json", records(100));
        out.close();

        for (Manifest.Part part : out.parts()) {
            byte[] onDisk = Files.readAllBytes(staging.resolve(part.name()));
            assertThat(part.bytes()).as(part.name()).isEqualTo(onDisk.length);
            assertThat(part.sha256()).as(part.name()).isEqualTo(sha256(onDisk));
            assertThat(part.records()).as(part.name()).isEqualTo(linesOf(part).size());
            assertThat(part.source()).isEqualTo("a.json");
        }
        try (var files = Files.list(staging.resolve("parts"))) {
            assertThat(files.map(p -> "parts/" + p.getFileName()).sorted().toList())
                    .isEqualTo(out.parts().stream().map(Manifest.Part::name).toList());
        }
        assertThat(out.records()).isEqualTo(100);
    }

    @Test
    void neverSplitsARecordAcrossParts() throws IOException {
        List<String> records = records(100);
        write("a.json", records);
        out.close();

        List<String> read = new ArrayList<>();
        for (Manifest.Part part : out.parts()) {
            byte[] onDisk = Files.readAllBytes(staging.resolve(part.name()));
            assertThat(onDisk[onDisk.length - 1]).as("%s ends with a complete line", part.name()).isEqualTo((byte) '\n');
            read.addAll(linesOf(part));
        }
        assertThat(read).isEqualTo(records);
    }

    @Test
    void keepsARecordLargerThanTheBoundWholeInOnePart() throws IOException {
        String big = "{\"blob\":\"" + "y".repeat(3 * BOUND) + "\"}";
        write("a.json", List.of("{\"n\":1}", big, "{\"n\":3}"));
        out.close();

        assertThat(out.parts()).hasSize(2);
        assertThat(linesOf(out.parts().get(0))).containsExactly("{\"n\":1}", big);
        assertThat(linesOf(out.parts().get(1))).containsExactly("{\"n\":3}");
    }

    @Test
    void startsANewPartForEachSource() throws IOException {
        write("a.json", records(2));
        write("b.json", records(3));
        out.close();

        assertThat(out.parts()).extracting(Manifest.Part::source, Manifest.Part::records)
                .containsExactly(tuple("a.json", 2L), tuple("b.json", 3L));
    }

    @Test
    void extractsAFileUnderFilesWithItsSizeAndChecksum() throws IOException {
        byte[] content = "hello, files\n".getBytes(StandardCharsets.UTF_8);

        Manifest.FileEntry entry = out.extract("docs/readme.txt", new ByteArrayInputStream(content));

        Path file = staging.resolve("files/docs/readme.txt");
        assertThat(file).hasBinaryContent(content);
        assertThat(entry).isEqualTo(new Manifest.FileEntry("files/docs/readme.txt", content.length, sha256(content)));
        assertThat(out.files()).containsExactly(entry);
    }

    @Test
    void refusesASecondEntryWithTheSameName() throws IOException {
        out.extract("data.csv", new ByteArrayInputStream("first".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> out.extract("data.csv", new ByteArrayInputStream("second".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("data.csv")
                .hasMessageContaining("twice");
        assertThat(staging.resolve("files/data.csv")).hasContent("first");
    }

    @Test
    void refusesAnEntryBelowAnEarlierFileAsBadInput() throws IOException {
        out.extract("a", new ByteArrayInputStream("a file".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> out.extract("a/b.txt", new ByteArrayInputStream("below".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a/b.txt");
    }

    @Test
    void refusesAFileWhereAnEarlierEntryMadeADirectory() throws IOException {
        out.extract("a/b.txt", new ByteArrayInputStream("below".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> out.extract("a", new ByteArrayInputStream("a file".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'a'");
    }

    @Test
    void refusesANameThatNormalisesOutsideFiles() {
        assertThatThrownBy(() -> out.extract("a/../../../escaped.txt", new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("outside files/");
        assertThat(root.resolve("escaped.txt")).doesNotExist();
        assertThat(staging.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void refusesANameThatIsFilesItself() {
        assertThatThrownBy(() -> out.extract("a/..", new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("outside files/");
    }

    @Test
    void refusesAnAbsoluteName() {
        Path target = root.resolve("absolute.txt");

        assertThatThrownBy(() -> out.extract(target.toString(), new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(InvalidInputException.class);
        assertThat(target).doesNotExist();
    }
}
