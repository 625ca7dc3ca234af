package dev.efspipe.local.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's class-data archive: made by a training run the first time, then used by every start (our classes
 * come from it, not from the jar), and an archive the JVM cannot use is passed over without a word. Each test runs
 * a copy of the launcher whose {@code local/target} links to the built jar and its libraries, so the project's
 * own archive is never touched.
 */
class LauncherCdsIT {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path launcher;
    private Path json;

    private record Run(int exit, String output) {}

    @BeforeEach
    void copyTheLauncher() throws Exception {
        Path jar = ROOT.resolve("local/target/pipeline-local.jar");
        assumeTrue(Files.isRegularFile(jar), "the tool is not built (mvn package)");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path target = Files.createDirectories(root.resolve("local/target"));
        Files.createSymbolicLink(target.resolve("pipeline-local.jar"), jar);
        Files.createSymbolicLink(target.resolve("lib"), ROOT.resolve("local/target/lib"));
        launcher = Files.copy(ROOT.resolve("pipeline"), root.resolve("pipeline"));
        json = Files.writeString(dir.resolve("tiny.json"), "[{\"a\":1},{\"a\":2}]");
    }

    private Run process(String javaOpts, String efs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "process", json.toString(), "--efs", dir.resolve(efs).toString())
                .redirectErrorStream(true);
        pb.environment().remove("PIPELINE_CDS");
        pb.environment().put("PIPELINE_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private List<Path> archives() throws Exception {
        Path cds = dir.resolve("root/local/target/cds");
        if (!Files.isDirectory(cds)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cds)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void theFirstRunTrainsAnArchive_andLaterRunsLoadOurClassesFromIt() throws Exception {
        Run first = process("", "efs1");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("training the class-data archive");
        assertThat(archives()).hasSize(1);

        Path log = dir.resolve("classes.log");
        Run second = process("-Xlog:class+load:file=" + log, "efs2");

        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).doesNotContain("training");
        assertThat(Files.readAllLines(log)).anySatisfy(line -> assertThat(line)
                .contains("dev.efspipe.processor.json.JsonRecordSplitter ").contains("shared objects file (top)"));
    }

    @Test
    void anArchiveTheJvmCannotUseIsPassedOverSilently() throws Exception {
        assertThat(process("", "efs1").exit()).isZero();
        Path archive = archives().get(0);
        Files.delete(archive); // made read-only by the JVM
        Files.writeString(archive, "not an archive");
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60))); // newer than the jar: kept

        Run run = process("", "efs2");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).startsWith("PUBLISHED").doesNotContainIgnoringCase("cds").doesNotContainIgnoringCase("shared archive");
    }
}
