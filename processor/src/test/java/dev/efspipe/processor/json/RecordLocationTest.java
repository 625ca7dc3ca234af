package dev.efspipe.processor.json;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.output.StagingOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the records are: detected (array, NDJSON, object members) or named by a JSON Pointer. */
class RecordLocationTest {
    private static final String SOURCE = "doc.json";

    @TempDir
    Path staging;

    private final JsonRecordSplitter splitter = new JsonRecordSplitter();
    private StagingOutput out;

    private long split(String json, String pointer) throws IOException {
        StagingOutput o = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);
        out = o;
        try (o) {
            return splitter.split(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), SOURCE, pointer, o);
        }
    }

    private List<String> lines() throws IOException {
        List<String> all = new ArrayList<>();
        try (var files = Files.list(staging.resolve("parts"))) {
            for (Path part : files.sorted().toList()) {
                all.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    @Test
    void ndjsonLinesAreRecordsWithBlankLinesAndCrlfAllowed() throws IOException {
        long records = split("{\"a\":1}\r\n\r\n{\"a\":2}\n   \n{\"a\":\"three\"}\r\n", null);

        assertThat(records).isEqualTo(3);
        assertThat(lines()).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":\"three\"}");
    }

    @Test
    void aBadNdjsonLineIsNamedByItsLineNumber() {
        assertThatThrownBy(() -> split("{\"a\":1}\n{\"a\":2}\n{\"a\":}\n{\"a\":4}\n", null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("invalid JSON at line 3, column 6 (record 2, byte 21)");
    }

    @Test
    void aPrettyPrintedObjectIsReadAsMembersNotAsNdjson() throws IOException {
        long records = split("{\n  \"alice\": {\"age\": 30},\n  \"bob\": {\"age\": 40}\n}\n", null);

        assertThat(records).isEqualTo(2);
        assertThat(lines().get(0)).startsWith("{\"key\":\"alice\",\"value\":");
    }

    @Test
    void pointerToANestedArrayTakesItsElementsAndValidatesTheRest() throws IOException {
        long records = split("{\"meta\":{\"n\":2,\"tags\":[\"a\"]},\"data\":{\"items\":[{\"id\":1},{\"id\":2}],\"next\":null},\"z\":[1]}",
                "/data/items");

        assertThat(records).isEqualTo(2);
        assertThat(lines()).containsExactly("{\"id\":1}", "{\"id\":2}");
    }

    @Test
    void pointerThroughAnArrayIndexAndEscapedNames() throws IOException {
        long records = split("{\"pages\":[{\"rows\":[0]},{\"a/b\":{\"r~s\":[{\"x\":1},{\"x\":2},{\"x\":3}]}}]}",
                "/pages/1/a~1b/r~0s");

        assertThat(records).isEqualTo(3);
    }

    @Test
    void pointerToAnObjectTakesItsMembers() throws IOException {
        assertThat(split("{\"users\":{\"u1\":{\"n\":\"A\"},\"u2\":{\"n\":\"B\"}}}", "/users")).isEqualTo(2);
        assertThat(lines()).containsExactly("{\"key\":\"u1\",\"value\":{\"n\":\"A\"}}", "{\"key\":\"u2\",\"value\":{\"n\":\"B\"}}");
    }

    @Test
    void aPointerThatDoesNotExistIsAnErrorNamingIt() {
        assertThatThrownBy(() -> split("{\"data\":{\"rows\":[]}}", "/data/items"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("/data/items")
                .hasMessageContaining("does not exist");
    }

    @Test
    void aTruncatedDocumentAfterThePointedArrayIsAnError() {
        assertThatThrownBy(() -> split("{\"data\":[{\"id\":1}], \"more\": {\"x\": [1, 2", "/data"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(SOURCE);
    }

    @Test
    void utf16IsRefusedWithAMessageSayingSo() {
        byte[] utf16 = "[{\"a\":1}]".getBytes(StandardCharsets.UTF_16LE);

        assertThatThrownBy(() -> {
            try (StagingOutput o = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
                splitter.split(new ByteArrayInputStream(utf16), SOURCE, o);
            }
        }).isInstanceOf(InvalidInputException.class).hasMessageContaining("UTF-16").hasMessageContaining("only UTF-8");
    }

    @Test
    void aUtf8ByteOrderMarkIsSkipped() throws IOException {
        StagingOutput o = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "[{\"a\":1},{\"a\":2}]".getBytes(StandardCharsets.UTF_8);
        byte[] doc = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, doc, 0, 3);
        System.arraycopy(body, 0, doc, 3, body.length);
        try (o) {
            splitter.split(new ByteArrayInputStream(doc), SOURCE, o);
        }
        assertThat(lines()).containsExactly("{\"a\":1}", "{\"a\":2}");
    }

    @Test
    void fieldSummaryCountsPathsTypesAndNulls() throws IOException {
        split("[{\"id\":1,\"tags\":[\"a\",\"b\"],\"addr\":{\"city\":\"X\"}},{\"id\":2.5,\"tags\":[],\"addr\":null},{\"id\":\"3\"}]", null);

        Manifest.Fields fields = out.fields().snapshot();
        assertThat(fields.paths()).extracting(Manifest.Field::path).containsExactly("id", "tags", "tags[]", "addr", "addr.city");
        Manifest.Field id = fields.paths().get(0);
        assertThat(id.count()).isEqualTo(3);
        assertThat(id.types()).containsExactlyInAnyOrder("integer", "number", "string");
        Manifest.Field addr = fields.paths().get(3);
        assertThat(addr.nulls()).isEqualTo(1);
        assertThat(addr.types()).containsExactlyInAnyOrder("object", "null");
        assertThat(fields.paths().get(2).count()).as("array elements").isEqualTo(2);
    }

    @Test
    void gzipPartsHoldTheSameRecordsAndTheManifestListsTheCompressedFiles() throws IOException {
        StagingOutput gz = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20, true, null, b -> false);
        try (gz) {
            splitter.split(new ByteArrayInputStream("[{\"a\":1},{\"a\":2}]".getBytes(StandardCharsets.UTF_8)), SOURCE, gz);
        }
        Manifest.Part part = gz.parts().get(0);
        assertThat(part.name()).isEqualTo("parts/part-00000.ndjson.gz");
        Path file = staging.resolve(part.name());
        assertThat(Files.size(file)).isEqualTo(part.bytes());
        try (var in = new GZIPInputStream(Files.newInputStream(file))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
        }
    }

    @Test
    void lineBreaksInsideARecordAreLeftOutWhateverTheirKind() throws IOException {
        split("[{\"a\":1,\r\"b\":2},{\"c\":\r\n3,\n\"d\":4},{\"e\":\"x\\ny\"}]", null);

        assertThat(lines()).containsExactly("{\"a\":1,\"b\":2}", "{\"c\":3,\"d\":4}", "{\"e\":\"x\\ny\"}");
    }
}
