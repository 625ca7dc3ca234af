package dev.efspipe.processor.archive;

import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tar archives as people make them, written by the real tools from a directory (every entry named {@code ./…},
 * the root itself {@code ./} or {@code .}): GNU tar, bsdtar (Debian's libarchive-tools) and Python's
 * {@code tarfile}, in each of their formats, plain and compressed. Each is run as a whole job and must be published
 * with its JSON split and its other files extracted. A tool that is not installed skips its cases, saying so.
 */
class TarToolsTest {
    @TempDir
    Path work;

    private Path tree;

    @BeforeEach
    void makeTheDirectoryToArchive() throws IOException {
        tree = Files.createDirectories(work.resolve("tree"));
        Files.writeString(tree.resolve("rows.json"), "[{\"id\":1},{\"id\":2}]");
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("sub/readme.txt"), "read me");
        Files.write(tree.resolve("sub/deeper/data.bin"), new byte[] {0, 1, 2, (byte) 0xff});
    }

    static Stream<Arguments> gnuTar() {
        return formatsThenCompressions(List.of("gnu", "oldgnu", "ustar", "pax", "v7"));
    }

    @ParameterizedTest(name = "tar --format={0} {1}")
    @MethodSource("gnuTar")
    void publishesWhatGnuTarWritesFromADirectory(String format, String compression) throws Exception {
        assumeTools("tar", "GNU tar is not installed");
        Path archive = work.resolve(archiveName(compression));
        run("tar", "--format=" + format, "-C", tree.toString(), "-c" + flag(compression) + "f", archive.toString(), ".");

        assertPublished(archive);
    }

    static Stream<Arguments> bsdtar() {
        return formatsThenCompressions(List.of("default", "ustar", "pax", "gnutar", "v7"));
    }

    @ParameterizedTest(name = "bsdtar --format {0} {1}")
    @MethodSource("bsdtar")
    void publishesWhatBsdtarWritesFromADirectory(String format, String compression) throws Exception {
        assumeTools("bsdtar", "bsdtar is not installed (Debian: apt-get install libarchive-tools)");
        Path archive = work.resolve(archiveName(compression));
        List<String> cmd = new ArrayList<>(List.of("bsdtar"));
        if (!format.equals("default")) {
            cmd.addAll(List.of("--format", format));
        }
        cmd.addAll(List.of("-C", tree.toString(), "-c" + flag(compression) + "f", archive.toString(), "."));
        run(cmd.toArray(String[]::new));

        assertPublished(archive);
    }

    static Stream<Arguments> pythonTarfile() {
        return formatsThenCompressions(List.of("PAX_FORMAT", "GNU_FORMAT", "USTAR_FORMAT"));
    }

    @ParameterizedTest(name = "python tarfile {0} {1}")
    @MethodSource("pythonTarfile")
    void publishesWhatPythonsTarfileWritesFromADirectory(String format, String compression) throws Exception {
        assumeTools("python3", "python3 is not installed");
        Path archive = work.resolve(archiveName(compression));
        String mode = compression.isEmpty() ? "w" : "w:" + compression;
        run("python3", "-c", "import sys, tarfile\n"
                + "with tarfile.open(sys.argv[1], '" + mode + "', format=tarfile." + format + ") as t:\n"
                + "    t.add(sys.argv[2], arcname='.')\n", archive.toString(), tree.toString());

        assertPublished(archive);
    }

    /** Every format uncompressed, then the tool's first (default) format with each compression. */
    private static Stream<Arguments> formatsThenCompressions(List<String> formats) {
        List<Arguments> cases = new ArrayList<>();
        formats.forEach(format -> cases.add(Arguments.of(format, "")));
        List.of("gz", "bz2", "xz").forEach(compression -> cases.add(Arguments.of(formats.get(0), compression)));
        return cases.stream();
    }

    private static String archiveName(String compression) {
        return compression.isEmpty() ? "bundle.tar" : compression.equals("gz") ? "bundle.tgz" : "bundle.tar." + compression;
    }

    private static String flag(String compression) {
        return switch (compression) {
            case "gz" -> "z";
            case "bz2" -> "j";
            case "xz" -> "J";
            default -> "";
        };
    }

    private void assertPublished(Path archive) throws IOException {
        Path efs = Files.createDirectories(work.resolve("efs"));
        DatasetName dataset = DatasetName.of("bundle");
        Job job = Job.of(UploadSource.file(archive.toString(), "tag", Files.size(archive)), dataset,
                Instant.now());

        JobOutcome outcome = new JobProcessor(ProcessorConfig.forEfsRoot(efs), Clock.systemUTC())
                .run(job, new FileInputSource(archive), "test");

        assertThat(outcome.status()).as(outcome.detail()).isEqualTo(JobOutcome.Status.PUBLISHED);
        DatasetReader reader = new DatasetReader(efs);
        var version = reader.current(dataset).orElseThrow();
        Manifest manifest = reader.manifest(dataset, version);
        assertThat(manifest.records()).isEqualTo(2);
        assertThat(manifest.parts()).extracting(Manifest.Part::source).containsExactly("rows.json");
        assertThat(manifest.files()).extracting(Manifest.FileEntry::name)
                .containsExactlyInAnyOrder("files/sub/readme.txt", "files/sub/deeper/data.bin");
        try (InputStream in = reader.open(dataset, version, "files/sub/readme.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("read me");
        }
        try (InputStream in = reader.open(dataset, version, "files/sub/deeper/data.bin")) {
            assertThat(in.readAllBytes()).containsExactly(0, 1, 2, 0xff);
        }
    }

    private static void assumeTools(String tool, String message) {
        Assumptions.assumeTrue(onPath(tool), message + "; skipping");
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private void run(String... cmd) throws Exception {
        Path log = work.resolve("tool.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd[0]).isTrue();
        String output = Files.readString(log);
        // A compressor the tool needs may be missing (tar -J runs xz): that is a missing tool, not a failure of ours.
        Assumptions.assumeFalse(p.exitValue() != 0 && output.contains("Cannot exec"),
                () -> String.join(" ", cmd) + " needs a compressor that is not installed: " + output + "; skipping");
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), output).isZero();
    }
}
