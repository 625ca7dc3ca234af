package dev.efspipe.processor.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.output.StagingOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shapes of the documents people upload, and where their records are: the arrays of a top-level object
 * (its other members kept as metadata), a GeoJSON FeatureCollection's features, a map's members, and the
 * look-ahead rule that tells a map from an object with an array, tested at its boundary.
 */
class RecordShapesTest {
    private static final String SOURCE = "doc.json";
    /** Reads numbers as the manifest keeps them (exact decimals). */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @TempDir
    Path staging;

    private StagingOutput out;

    private long split(String json) throws IOException {
        return split(json, null, new JsonRecordSplitter());
    }

    private long split(String json, String pointer, JsonRecordSplitter splitter) throws IOException {
        StagingOutput o = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);
        out = o;
        try (o) {
            return splitter.split(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), SOURCE, pointer, o);
        }
    }

    private List<String> lines() throws IOException {
        List<String> all = new ArrayList<>();
        for (Manifest.Part part : out.parts()) {
            all.addAll(Files.readAllLines(staging.resolve(part.name()), StandardCharsets.UTF_8));
        }
        return all;
    }

    private List<String> metadataNames() {
        return out.metadata() == null ? List.of() : out.metadata().members().stream().map(Manifest.Member::name).toList();
    }

    // ---- an object with arrays ------------------------------------------------------------------------------

    @Test
    void takesTheRecordsOfMetaAndRecordsFromTheArrayAndKeepsMetaAsMetadata() throws IOException {
        long records = split("{\"meta\": {\"generated\": \"2026-11-26\", \"count\": 2, \"ratio\": 1.10},\n"
                + " \"records\": [{\"id\": 1}, {\"id\": 2}]}");

        assertThat(records).isEqualTo(2);
        assertThat(lines()).containsExactly("{\"id\": 1}", "{\"id\": 2}");
        assertThat(out.parts()).singleElement().satisfies(p -> {
            assertThat(p.pointer()).isEqualTo("/records");
            assertThat(p.source()).isEqualTo(SOURCE);
        });
        Manifest.Metadata metadata = out.metadata();
        assertThat(metadata.members()).singleElement().satisfies(m -> {
            assertThat(m.source()).isEqualTo(SOURCE);
            assertThat(m.name()).isEqualTo("meta");
            assertThat(m.value()).isEqualTo(JSON.readTree("{\"generated\": \"2026-11-26\", \"count\": 2, \"ratio\": 1.10}"));
        });
        assertThat(metadata.note()).isNull();
    }

    @Test
    void takesTheResultsOfAnApiDumpWhateverComesBeforeThem() throws IOException {
        assertThat(split("{\"count\": 3, \"next\": null, \"previous\": \"https://api.example/x?page=1\","
                + " \"results\": [{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]}")).isEqualTo(3);

        assertThat(metadataNames()).containsExactly("count", "next", "previous");
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsExactly("/results");
    }

    @Test
    void givesTheFeaturesOfAGeoJsonFeatureCollectionAndKeepsItsBboxAsMetadata() throws IOException {
        String geojson = """
                {
                  "type": "FeatureCollection",
                  "name": "parks",
                  "bbox": [-10.5, -5.25, 10.5, 5.25],
                  "features": [
                    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.5, 2.5]}, "properties": {"name": "A"}},
                    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
                     "properties": {"name": "B"}}
                  ],
                  "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                  "links": [{"rel": "self"}]
                }
                """;

        assertThat(split(geojson)).isEqualTo(2);

        assertThat(lines()).allSatisfy(line -> assertThat(JSON.readTree(line).get("type").asText()).isEqualTo("Feature"));
        assertThat(JSON.readTree(lines().get(1)).at("/properties/name").asText()).isEqualTo("B");
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsExactly("/features");
        assertThat(metadataNames()).containsExactly("type", "name", "bbox", "crs", "links");
        assertThat(out.metadata().members().get(2).value()).isEqualTo(JSON.readTree("[-10.5, -5.25, 10.5, 5.25]"));
    }

    @Test
    void givesEachArrayOfAnObjectWithTwoArraysItsOwnPartsThatNameItsPointer() throws IOException {
        long records = split("{\"meta\": {\"v\": 1}, \"users\": [{\"u\": 1}, {\"u\": 2}], \"generated\": \"today\","
                + " \"orders\": [{\"o\": 1}], \"a/b~c\": [true]}");

        assertThat(records).isEqualTo(4);
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsExactly("/users", "/orders", "/a~1b~0c");
        assertThat(out.parts()).extracting(Manifest.Part::records).containsExactly(2L, 1L, 1L);
        assertThat(lines()).containsExactly("{\"u\": 1}", "{\"u\": 2}", "{\"o\": 1}", "true");
        assertThat(metadataNames()).containsExactly("meta", "generated");
    }

    @Test
    void aJsonPointerAlwaysWins() throws IOException {
        long records = split("{\"meta\": {\"items\": [{\"i\": 1}, {\"i\": 2}, {\"i\": 3}]}, \"records\": [{\"r\": 1}]}",
                "/meta/items", new JsonRecordSplitter());

        assertThat(records).isEqualTo(3);
        assertThat(lines()).containsExactly("{\"i\": 1}", "{\"i\": 2}", "{\"i\": 3}");
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsExactly("/meta/items");
        assertThat(out.metadata()).isNull();
    }

    @Test
    void refusesTwoArraysOfTheSameName() {
        assertThatThrownBy(() -> split("{\"rows\": [1], \"rows\": [2]}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the top-level member 'rows' appears twice (at line 1, column 23 (byte 22))");
    }

    @Test
    void refusesAMapOfMoreArraysThanTheLimitSayingHowToNameTheRecords() {
        StringBuilder doc = new StringBuilder("{");
        for (int i = 0; i <= JsonRecordSplitter.MAX_RECORD_ARRAYS; i++) {
            doc.append(i == 0 ? "" : ",").append("\"user-").append(i).append("\": [").append(i).append("]");
        }

        assertThatThrownBy(() -> split(doc.append("}").toString()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("more than " + JsonRecordSplitter.MAX_RECORD_ARRAYS + " members whose values are arrays")
                .hasMessageContaining("'user-" + JsonRecordSplitter.MAX_RECORD_ARRAYS + "'")
                .hasMessageContaining("JSON Pointer");
    }

    @Test
    void refusesADuplicateKeyInsideMetadataWhereItIs() {
        assertThatThrownBy(() -> split("\n  {\"meta\": {\"a\": 1,\n \"a\": 2}, \"records\": [1]}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Duplicate field 'a'")
                .hasMessageContaining("line 3, column ");
    }

    @Test
    void keepsMetadataUpToItsBoundAndSaysWhatIsLeftOut() throws IOException {
        String value = "\"" + "m".repeat(10_000) + "\"";
        StringBuilder doc = new StringBuilder("{\"records\": [1, 2]");
        for (int i = 0; i < 10; i++) {
            doc.append(", \"m").append(i).append("\": ").append(value);
        }

        assertThat(split(doc.append("}").toString())).isEqualTo(2);

        Manifest.Metadata metadata = out.metadata();
        assertThat(metadata.members()).extracting(Manifest.Member::name).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(metadata.omittedMembers()).isEqualTo(4);
        assertThat(metadata.omittedBytes()).isEqualTo(4 * (10_002 + 2));
        assertThat(metadata.limitBytes()).isEqualTo(StagingOutput.METADATA_LIMIT_BYTES);
        assertThat(metadata.note()).isEqualTo("4 more members (40,016 bytes) are not kept: the manifest keeps document metadata up to 65,536 bytes");
    }

    @Test
    void aMetadataMemberLargerThanTheRecordLimitIsCountedNotHeldAndIsNoError() throws IOException {
        JsonRecordSplitter small = new JsonRecordSplitter(JsonLimits.DEFAULTS.withMaxRecordBytes(1000));
        String big = "\"" + "b".repeat(300_000) + "\"";

        long records = split("{\"records\": [{\"id\": 1}], \"index\": {\"blob\": " + big + "}, \"after\": 1}", null, small);

        assertThat(records).isEqualTo(1);
        assertThat(out.metadata().members()).isEmpty();
        assertThat(out.metadata().omittedMembers()).isEqualTo(2);
        assertThat(out.metadata().omittedBytes()).isEqualTo("{\"blob\": ".length() + big.length() + 1 + "index".length() + 1 + "after".length());
    }

    // ---- an object without arrays: a map -----------------------------------------------------------------

    @Test
    void writesTheMembersOfAMapAsRecordsWithTheirBytesAndFields() throws IOException {
        long records = split("\n\n   {\"alice\": {\"age\": 30,\r\n \"city\": \"X\"}, \"bob\": {\"age\": 40}, \"n\": 7}");

        assertThat(records).isEqualTo(3);
        assertThat(lines()).containsExactly(
                "{\"key\":\"alice\",\"value\":{\"age\": 30, \"city\": \"X\"}}",
                "{\"key\":\"bob\",\"value\":{\"age\": 40}}",
                "{\"key\":\"n\",\"value\":7}");
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsExactly("");
        assertThat(out.fields().snapshot().paths()).extracting(Manifest.Field::path, Manifest.Field::count)
                .containsExactly(tuple("age", 2L), tuple("city", 1L));
        assertThat(out.metadata()).isNull();
    }

    @Test
    void refusesADuplicateKeyInsideAMapMemberWhereItIs() {
        assertThatThrownBy(() -> split("{\"alice\": {\"age\": 30,\n\"age\": 31}}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("record 0")
                .hasMessageContaining("line 2, column ")
                .hasMessageContaining("Duplicate field 'age'");
    }

    @Test
    void passesOverTheMembersAnEarlierInvocationWroteAndWritesTheRest() throws IOException {
        StagingOutput o = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20, false,
                new StagingOutput.Resume(2, List.of(), List.of(), null), written -> false);
        out = o;
        try (o) {
            new JsonRecordSplitter().split(new ByteArrayInputStream("{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}"
                    .getBytes(StandardCharsets.UTF_8)), SOURCE, o);
        }

        assertThat(out.records()).isEqualTo(4);
        assertThat(lines()).containsExactly("{\"key\":\"c\",\"value\":3}", "{\"key\":\"d\",\"value\":4}");
    }

    // ---- the look-ahead rule, at its boundary -------------------------------------------------------------

    /** {@code {"blob":"x…x","records":[1,2]}} whose first member ends {@code end} bytes after the '{'. */
    private static String blobThenRecords(int end) {
        int xs = end - "{\"blob\":\"\"".length();
        return "{\"blob\":\"" + "x".repeat(xs) + "\",\"records\":[1,2]}";
    }

    @Test
    void anArrayWhoseObjectsMembersBeforeItFitTheLookAheadGivesTheRecords() throws IOException {
        long records = split(blobThenRecords(JsonRecordSplitter.LOOKAHEAD_BYTES));

        assertThat(records).isEqualTo(2);
        assertThat(lines()).containsExactly("1", "2");
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsExactly("/records");
        assertThat(out.metadata().omittedMembers()).as("the blob is over the metadata bound").isEqualTo(1);
    }

    @Test
    void anObjectWhoseMembersBeforeAnyArrayExceedTheLookAheadByOneByteIsAMapFromItsFirstMember() throws IOException {
        long records = split(blobThenRecords(JsonRecordSplitter.LOOKAHEAD_BYTES + 1));

        assertThat(records).isEqualTo(2);
        List<String> lines = lines();
        assertThat(lines.get(0)).startsWith("{\"key\":\"blob\",\"value\":\"xxx").hasSize(JsonRecordSplitter.LOOKAHEAD_BYTES + 16);
        assertThat(lines.get(1)).isEqualTo("{\"key\":\"records\",\"value\":[1,2]}");
        assertThat(out.parts()).extracting(Manifest.Part::pointer).containsOnly("");
        assertThat(out.metadata()).isNull();
    }

    @Test
    void aMemberLargerThanTheRecordLimitInAMapNamesTheLimitAndSaysHowToNameTheRecords() {
        JsonRecordSplitter small = new JsonRecordSplitter(JsonLimits.DEFAULTS.withMaxRecordBytes(1000));
        String doc = "{\"data\": {\"items\": [" + "{\"id\": 1},".repeat(200_000) + "{\"id\": 2}]}}";

        assertThatThrownBy(() -> split(doc, null, small))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("record 0 (from byte 9)")
                .hasMessageContaining("larger than 1000 bytes")
                .hasMessageContaining("--record-pointer");
    }
}
