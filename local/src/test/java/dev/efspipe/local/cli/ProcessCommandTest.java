package dev.efspipe.local.cli;

import dev.efspipe.job.FailureRecord;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./pipeline process} as a person runs it, in-process through the same command line as {@code main}: a
 * record pointer given on the command line, and input that must be refused (a lying name, JSON that is no
 * container, UTF-16): exit 2, nothing published, and a failure record whose reason says what to do.
 */
class ProcessCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {}

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = PipelineCli.commandLine()
                    .setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)).execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private Path efs() {
        return dir.resolve("efs");
    }

    private Result process(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("process", file.toString(), "--efs", efs().toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private List<FailureRecord> failures() throws IOException {
        Path failed = efs().resolve("failed");
        if (!Files.isDirectory(failed)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(failed)) {
            List<FailureRecord> records = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                records.add(Json.MAPPER.readValue(f.toFile(), FailureRecord.class));
            }
            return records;
        }
    }

    private void assertRejected(Result result, String reason) throws IOException {
        assertThat(result.exit()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("Rejected: ").contains(reason).contains("recorded in " + efs().resolve("failed"));
        assertThat(efs().resolve("published")).as("nothing published").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
        assertThat(failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains(reason));
    }

    @Test
    void splitsTheArrayAtARecordPointerGivenOnTheCommandLine() throws IOException {
        Path doc = Files.writeString(dir.resolve("export.json"),
                "{\"meta\": {\"n\": 3}, \"data\": {\"items\": [{\"i\": 1}, {\"i\": 2}, {\"i\": 3}]}, \"other\": [1, 2]}");

        Result result = process(doc, "--record-pointer", "/data/items", "--dataset", "export");

        assertThat(result.exit()).as(result.err()).isZero();
        DatasetReader reader = new DatasetReader(efs());
        DatasetName dataset = DatasetName.of("export");
        Manifest manifest = reader.manifest(dataset, reader.current(dataset).orElseThrow());
        assertThat(manifest.records()).isEqualTo(3);
        assertThat(manifest.recordPointer()).isEqualTo("/data/items");
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsExactly("/data/items");
        assertThat(manifest.metadata()).as("a pointer takes the records, nothing else").isNull();
    }

    @Test
    void detectsTheRecordsOfMetaAndRecordsWithoutAPointerAndKeepsTheMetadata() throws IOException {
        Path doc = Files.writeString(dir.resolve("orders.json"),
                "{\"meta\": {\"source\": \"shop\"}, \"records\": [{\"id\": 1}, {\"id\": 2}]}");

        Result result = process(doc);

        assertThat(result.exit()).as(result.err()).isZero();
        DatasetReader reader = new DatasetReader(efs());
        DatasetName dataset = DatasetName.of("orders");
        Manifest manifest = reader.manifest(dataset, reader.current(dataset).orElseThrow());
        assertThat(manifest.records()).isEqualTo(2);
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsExactly("/records");
        assertThat(manifest.metadata().members()).extracting(Manifest.Member::name).containsExactly("meta");
    }

    private Manifest published(String name) throws IOException {
        DatasetReader reader = new DatasetReader(efs());
        DatasetName dataset = DatasetName.of(name);
        return reader.manifest(dataset, reader.current(dataset).orElseThrow());
    }

    private List<String> records(String name) throws IOException {
        DatasetReader reader = new DatasetReader(efs());
        DatasetName dataset = DatasetName.of(name);
        var version = reader.current(dataset).orElseThrow();
        List<String> lines = new ArrayList<>();
        for (Manifest.Part part : reader.manifest(dataset, version).parts()) {
            try (InputStream in = reader.open(dataset, version, part.name())) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(lines::add);
            }
        }
        return lines;
    }

    @Test
    void givesTheFeaturesOfAGeoJsonFeatureCollectionAsRecords() throws IOException {
        // As ogr2ogr -f GeoJSON writes it: type, name, crs, then the features.
        Path doc = Files.writeString(dir.resolve("parks.geojson"), """
                {
                "type": "FeatureCollection",
                "name": "parks",
                "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },
                "features": [
                { "type": "Feature", "properties": { "id": 1, "name": "Riverside" }, "geometry": { "type": "Point", "coordinates": [ 13.4050, 52.5200 ] } },
                { "type": "Feature", "properties": { "id": 2, "name": "Hill" }, "geometry": { "type": "Polygon", "coordinates": [ [ [ 13.0, 52.0 ], [ 13.1, 52.0 ], [ 13.1, 52.1 ], [ 13.0, 52.0 ] ] ] } },
                { "type": "Feature", "properties": { "id": 3, "name": "Lake" }, "geometry": null }
                ]
                }
                """);

        Result result = process(doc);

        assertThat(result.exit()).as(result.err()).isZero();
        Manifest manifest = published("parks");
        assertThat(manifest.records()).isEqualTo(3);
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsExactly("/features");
        assertThat(manifest.metadata().members()).extracting(Manifest.Member::name).containsExactly("type", "name", "crs");
        assertThat(manifest.metadata().members().get(0).value().asText()).isEqualTo("FeatureCollection");
        assertThat(records("parks")).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{ \"type\": \"Feature\""));
        assertThat(records("parks").get(2)).contains("\"name\": \"Lake\"");
    }

    @Test
    void givesTheResultsOfAPaginatedApiDumpAsRecordsAndKeepsItsPagingAsMetadata() throws IOException {
        // A Django REST framework page, as curl saves it.
        Path doc = Files.writeString(dir.resolve("users-page-2.json"),
                "{\"count\":1023,\"next\":\"https://api.example.com/users/?page=3\",\"previous\":\"https://api.example.com/users/?page=1\","
                        + "\"results\":[{\"id\":101,\"username\":\"ada\",\"groups\":[]},{\"id\":102,\"username\":\"grace\",\"groups\":[\"admin\"]}]}");

        Result result = process(doc, "--dataset", "users");

        assertThat(result.exit()).as(result.err()).isZero();
        Manifest manifest = published("users");
        assertThat(manifest.records()).isEqualTo(2);
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsExactly("/results");
        assertThat(manifest.metadata().members()).extracting(Manifest.Member::name).containsExactly("count", "next", "previous");
        assertThat(records("users")).containsExactly("{\"id\":101,\"username\":\"ada\",\"groups\":[]}",
                "{\"id\":102,\"username\":\"grace\",\"groups\":[\"admin\"]}");
    }

    @Test
    void givesTheDataOfAStripeStyleListWhoseArrayComesFirst() throws IOException {
        Path doc = Files.writeString(dir.resolve("charges.json"), """
                {
                  "object": "list",
                  "data": [
                    {"id": "ch_1", "amount": 2000, "currency": "eur", "metadata": {}},
                    {"id": "ch_2", "amount": 150, "currency": "usd", "metadata": {"order": "6735"}}
                  ],
                  "has_more": false,
                  "url": "/v1/charges"
                }
                """);

        Result result = process(doc);

        assertThat(result.exit()).as(result.err()).isZero();
        Manifest manifest = published("charges");
        assertThat(manifest.records()).isEqualTo(2);
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsExactly("/data");
        assertThat(manifest.metadata().members()).extracting(Manifest.Member::name).containsExactly("object", "has_more", "url");
    }

    @Test
    void publishesATarballMadeTheOrdinaryWayWithItsRecordsAndFiles() throws Exception {
        Assumptions.assumeTrue(onPath("tar"), "GNU tar is not installed; skipping");
        Path tree = Files.createDirectories(dir.resolve("site"));
        Files.writeString(tree.resolve("rows.json"), "[{\"id\": 1}, {\"id\": 2}]");
        Files.createDirectories(tree.resolve("docs"));
        Files.writeString(tree.resolve("docs/readme.txt"), "read me");
        Path archive = dir.resolve("site.tar.gz");
        Process tar = new ProcessBuilder("tar", "-C", tree.toString(), "-czf", archive.toString(), ".")
                .redirectErrorStream(true).redirectOutput(dir.resolve("tar.log").toFile()).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(Files.readString(dir.resolve("tar.log"))).isZero();

        Result result = process(archive);

        assertThat(result.exit()).as(result.err()).isZero();
        Manifest manifest = published("site");
        assertThat(manifest.records()).isEqualTo(2);
        assertThat(manifest.parts()).extracting(Manifest.Part::source).containsExactly("rows.json");
        assertThat(manifest.files()).extracting(Manifest.FileEntry::name).containsExactly("files/docs/readme.txt");
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void runningAgainWithAnotherPointerAfterARefusalIsANewJob() throws IOException {
        Path doc = Files.writeString(dir.resolve("nested.json"), "{\"data\": {\"items\": [{\"i\": 1}, {\"i\": 2}]}}");

        assertRejected(process(doc, "--record-pointer", "/data/rows"), "the record pointer /data/rows does not exist");
        Result again = process(doc, "--record-pointer", "/data/items");

        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("PUBLISHED: published 2 records");
    }

    @Test
    void refusesARecordPointerThatIsNoJsonPointerAsABadArgument() throws IOException {
        Path doc = Files.writeString(dir.resolve("rows.json"), "[1]");

        Result result = process(doc, "--record-pointer", "records");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("pipeline process: --record-pointer 'records' is not a JSON Pointer: it starts with '/'");
        assertThat(efs().resolve("published")).doesNotExist();
    }

    static Stream<Arguments> refused() throws IOException {
        return Stream.of(
                Arguments.of("report.zip", "name,amount\nalice,3\n".getBytes(StandardCharsets.UTF_8),
                        "named .zip but it starts like plain text: 'name,amount\\u000aalice,3\\u000a'"),
                Arguments.of("orders.json", zip(), "named .json but it is a zip archive"),
                Arguments.of("bundle.tgz", "not a tarball".getBytes(StandardCharsets.UTF_8), "named .tgz but it starts like plain text"),
                Arguments.of("rows.json.gz", "[1]".getBytes(StandardCharsets.UTF_8), "named .gz but it starts like JSON"),
                Arguments.of("rows.ndjson", new byte[0], "the JSON document is empty (0 bytes)"),
                Arguments.of("rows.json", " \n\n ".getBytes(StandardCharsets.UTF_8), "nothing but whitespace (4 bytes, to line 3, column 2 (byte 4))"),
                Arguments.of("rows.json", "3.14".getBytes(StandardCharsets.UTF_8), "is a single number, not an array or object of records (at line 1, column 1 (byte 0))"),
                Arguments.of("rows.json", "null".getBytes(StandardCharsets.UTF_8), "is null, not an array or object of records (at line 1, column 1 (byte 0))"),
                Arguments.of("rows.json", "[1, 2]\n// the end\n".getBytes(StandardCharsets.UTF_8),
                        "invalid JSON at line 2, column 1 (record 1, byte 7): a comment"),
                Arguments.of("rows.json", "[{\"id\": 1}] [{\"id\": 2}]".getBytes(StandardCharsets.UTF_8),
                        "unexpected content after the root value at record 1, byte 12, line 1, column 13"),
                Arguments.of("rows.json", gzip("[1]"), "named .json but it is gzip-compressed data"),
                Arguments.of("rows.json", "\uFEFF[{\"id\": 1}]".getBytes(StandardCharsets.UTF_16LE),
                        "the document is UTF-16LE with a byte order mark; only UTF-8 JSON is read: convert it first, e.g. iconv -f UTF-16LE -t UTF-8"),
                Arguments.of("rows.json", "[{\"id\": 1}]".getBytes(StandardCharsets.UTF_16BE),
                        "the document is UTF-16BE; only UTF-8 JSON is read"),
                Arguments.of("rows.json", "[{\"id\": 1}]".getBytes(Charset.forName("UTF-32LE")),
                        "the document is UTF-32LE; only UTF-8 JSON is read"),
                Arguments.of("parks.geojson", "<?xml version=\"1.0\"?><kml/>".getBytes(StandardCharsets.UTF_8),
                        "invalid JSON at line 1, column 1 (byte 0)"),
                Arguments.of("events.jsonl", "{\"e\": 1}\n{\"e\": 2}\n{\"e\": 3,}\n".getBytes(StandardCharsets.UTF_8),
                        "invalid JSON at line 3, column "),
                Arguments.of("backup.tar", gzip("[1]"), "named .tar but it is gzip-compressed data"),
                Arguments.of("dump.json.bz2", "[1]".getBytes(StandardCharsets.UTF_8), "named .bz2 but it starts like JSON"),
                Arguments.of("dump.json.xz", gzip("[1]"), "named .xz but it is gzip-compressed data"),
                Arguments.of("site.tar.gz", gzip("<html></html>"), "named .tar.gz but once decompressed it starts like plain text"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refused")
    void refusesWithExit2PublishesNothingAndRecordsAReasonAPersonCanActOn(String name, byte[] content, String reason)
            throws IOException {
        Path file = Files.write(dir.resolve(name), content);

        assertRejected(process(file), reason);
    }

    @Test
    void escapesAKeyWithANewlineBeforeItReachesTheFailureRecordOrTheTerminal() throws IOException {
        Path doc = Files.writeString(dir.resolve("keys.json"), "[{\"a\\nINFO forged line\": 1, \"a\\nINFO forged line\": 2}]");

        Result result = process(doc);

        assertRejected(result, "Duplicate field 'a\\u000aINFO forged line'");
        assertThat(result.err()).doesNotContain("\nINFO forged line");
        assertThat(failures().get(0).reason()).doesNotContain("\n");
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            zip.putNextEntry(new ZipEntry("rows.json"));
            zip.write("[1]".getBytes(StandardCharsets.UTF_8));
        }
        return buf.toByteArray();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return buf.toByteArray();
    }
}
