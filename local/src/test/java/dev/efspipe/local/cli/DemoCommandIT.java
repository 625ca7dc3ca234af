package dev.efspipe.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, as a real process: the packaged tool runs the demo end to end and exits 0
 * with a published dataset whose record count equals the generated records.
 */
class DemoCommandIT {
    @TempDir
    Path data;

    @Test
    void demoPublishesTheGeneratedRecordsAndExitsZero() throws Exception {
        Path jar = Path.of(System.getProperty("project.root", "..")).resolve("local/target/pipeline-local.jar");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "demo", "--records", "321", "--data", data.toString())
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("demo.log").toFile())
                .start();
        boolean exited = p.waitFor(3, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        String log = read(data.resolve("demo.log"));
        assertThat(exited).as("demo finished; output:%n%s", log).isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", log).isZero();
        assertThat(log).contains("dataset   demo-orders").containsPattern("records +321")
                .contains("part      parts/part-00000.ndjson").contains("Records match the upload (321)");
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
