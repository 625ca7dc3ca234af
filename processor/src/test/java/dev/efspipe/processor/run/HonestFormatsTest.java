package dev.efspipe.processor.run;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.processor.archive.TestArchives;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The content decides the format, and a name that claims another is refused, naming both; a document the name
 * calls JSON that is not a JSON container is refused saying what it is and where. Nothing is written for either.
 */
class HonestFormatsTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    @TempDir
    Path inputs;

    @TempDir
    Path staging;

    private Format process(String fileName, byte[] content) throws IOException {
        Path file = Files.write(inputs.resolve(fileName), content);
        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            return new ContentProcessor(new JsonRecordSplitter(), UnpackLimits.defaults()).process(new FileInputSource(file), out);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] zip() throws IOException {
        return TestArchives.zip(Map.of("rows.json", utf8("[1]")));
    }

    static Stream<Arguments> lyingNames() throws IOException {
        byte[] tar = TestArchives.tar().file("a.txt", "a").bytes();
        return Stream.of(
                Arguments.of("report.zip", utf8("name,amount\nalice,3\n"), "named .zip but it starts like plain text: 'name,amount\\u000aalice,3\\u000a'"),
                Arguments.of("report.zip", new byte[0], "named .zip but it is empty"),
                Arguments.of("orders.json", zip(), "named .json but it is a zip archive"),
                Arguments.of("orders.ndjson", zip(), "named .ndjson but it is a zip archive"),
                Arguments.of("orders.jsonl", tar, "named .jsonl but it is a tar archive"),
                Arguments.of("map.geojson", PNG, "named .geojson but it starts like binary data (bytes 89 50 4e 47 0d 0a 1a 0a)"),
                Arguments.of("bundle.tar", TestArchives.gzip(tar), "named .tar but it is gzip-compressed data"),
                Arguments.of("bundle.tgz", tar, "named .tgz but it is a tar archive"),
                Arguments.of("bundle.tar.gz", TestArchives.gzip(utf8("just some text\n")),
                        "named .tar.gz but once decompressed it starts like plain text: 'just some text\\u000a'"),
                Arguments.of("bundle.tar.xz", TestArchives.xz(zip()), "named .tar.xz but once decompressed it is a zip archive"),
                Arguments.of("rows.json.gz", utf8("[{\"id\":1}]"), "named .gz but it starts like JSON"),
                Arguments.of("rows.json.bz2", TestArchives.xz(utf8("[1]")), "named .bz2 but it is xz-compressed data"),
                Arguments.of("rows.json.gz", TestArchives.gzip(PNG), "named .json.gz but once decompressed it starts like binary data"),
                Arguments.of("image.xz", PNG, "named .xz but it starts like binary data"),
                Arguments.of("ARCHIVE.ZIP", utf8("{\"a\":1}"), "named .ZIP but it starts like JSON"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("lyingNames")
    void refusesANameThatClaimsAFormatTheContentDoesNotHaveNamingBoth(String name, byte[] content, String reason) {
        assertThatThrownBy(() -> process(name, content))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(name + ": " + reason)
                .hasMessageContaining("The content decides the format");
        assertThat(staging).isEmptyDirectory();
    }

    static Stream<Arguments> notJsonContainers() {
        return Stream.of(
                Arguments.of("", "the JSON document is empty (0 bytes)"),
                Arguments.of("  \n\t ", "nothing but whitespace (5 bytes, to line 2, column 3 (byte 5))"),
                Arguments.of("42", "is a single number, not an array or object of records (at line 1, column 1 (byte 0))"),
                Arguments.of("\n  \"hello\"", "is a single string, not an array or object of records (at line 2, column 3 (byte 3))"),
                Arguments.of("null", "is null, not an array or object of records (at line 1, column 1 (byte 0))"),
                Arguments.of("true", "is a single boolean"),
                Arguments.of("// exported 2026-11-26\n[{\"id\":1}]", "a comment ('//', '/*' or '#'), which JSON does not allow"),
                Arguments.of("[{\"id\":1}, /* two */ {\"id\":2}]", "record 1, byte 11, line 1, column 12: a comment"),
                Arguments.of("# yaml style\n[1]", "invalid JSON at line 1, column 1 (byte 0): a comment"),
                Arguments.of("[{\"id\":1}] trailing garbage", "unexpected content after the root value at record 1, byte 11, line 1, column 12: Unrecognized token 'trailing'"),
                Arguments.of("[\n{\"id\":1}\n]\n]", "unexpected content after the root value at record 1, byte 13, line 4, column 1: Unexpected close marker"),
                Arguments.of("name,amount\nalice,3\n", "invalid JSON at line 1, column 1 (byte 0): Unrecognized token 'name'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("notJsonContainers")
    void refusesADocumentNamedJsonThatIsNoJsonContainerSayingWhatAndWhere(String content, String reason) {
        assertThatThrownBy(() -> process("orders.json", utf8(content)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("orders.json: ")
                .hasMessageContaining(reason);
        assertThat(staging.resolve("files")).as("never kept as a file").doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"})
    void refusesUtf16And32NamingTheEncodingAndHowToConvert(String charset) {
        byte[] withoutBom = "[{\"id\":1}]".getBytes(Charset.forName(charset));

        assertThatThrownBy(() -> process("orders.json", withoutBom))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("orders.json: the document is " + charset + ";")
                .hasMessageContaining("only UTF-8 JSON is read")
                .hasMessageContaining("iconv -f " + charset + " -t UTF-8");
    }

    @Test
    void refusesUtf16WithAByteOrderMarkEvenWhenTheNameSaysNothingAboutJson() {
        byte[] utf16 = "\uFEFF[{\"id\":1}]".getBytes(StandardCharsets.UTF_16LE);

        assertThatThrownBy(() -> process("export.txt", utf16))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("export.txt: the document is UTF-16LE with a byte order mark;");
        assertThat(staging).isEmptyDirectory();
    }

    @Test
    void keepsTextThatNamesNoFormatAsAFile() throws IOException {
        assertThat(process("notes.txt", utf8("42"))).isEqualTo(Format.OTHER);
        assertThat(staging.resolve("files/notes.txt")).hasContent("42");
    }

    @Test
    void splitsJsonWhateverTheNameWhenTheNameClaimsNothing() throws IOException {
        assertThat(process("export.dat", utf8("[1,2]"))).isEqualTo(Format.JSON);
        assertThat(staging.resolve("parts/part-00000.ndjson")).hasContent("1\n2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rows.json.gz", "rows.ndjson.gz"})
    void refusesACompressedDocumentNamedJsonThatIsEmptyOnceDecompressed(String name) throws IOException {
        byte[] empty = TestArchives.gzip(new byte[0]);

        assertThatThrownBy(() -> process(name, empty))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the JSON document is empty (0 bytes)");
    }
}
