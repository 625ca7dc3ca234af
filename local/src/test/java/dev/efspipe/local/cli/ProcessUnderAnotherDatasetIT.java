package dev.efspipe.local.cli;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.read.DatasetReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./pipeline process f.json --dataset a}, then {@code --dataset b}: the dataset asked for is part of the job,
 * so the second run publishes to {@code b} instead of answering DUPLICATE; asking for {@code a} again is the
 * duplicate.
 */
class ProcessUnderAnotherDatasetIT {
    @TempDir
    Path dir;

    @Test
    void aDatasetAskedForExplicitlyIsANewJob() throws Exception {
        Path efs = dir.resolve("efs");
        Path upload = Files.writeString(dir.resolve("f.json"), "[{\"id\":1},{\"id\":2}]");

        Result asA = process(upload, efs, "a");
        Result asB = process(upload, efs, "b");
        Result asAAgain = process(upload, efs, "a");
        Result derived = process(upload, efs, null);

        assertThat(asA.exit).as(asA.output).isZero();
        assertThat(asA.output).startsWith("PUBLISHED: published 2 records as a/");
        assertThat(asB.exit).as(asB.output).isZero();
        assertThat(asB.output).startsWith("PUBLISHED: published 2 records as b/");
        assertThat(asAAgain.exit).as(asAAgain.output).isZero();
        assertThat(asAAgain.output).startsWith("DUPLICATE: already published as a/");
        assertThat(derived.output).as("the name derived from the file").startsWith("PUBLISHED: published 2 records as f/");
        DatasetReader reader = new DatasetReader(efs);
        assertThat(reader.datasets()).containsExactlyInAnyOrder(DatasetName.of("a"), DatasetName.of("b"), DatasetName.of("f"));
    }

    private record Result(int exit, String output) {}

    private Result process(Path upload, Path efs, String dataset) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("project.root", "..")).resolve("local/target/pipeline-local.jar").toString(),
                "process", upload.toString(), "--efs", efs.toString()));
        if (dataset != null) {
            cmd.addAll(List.of("--dataset", dataset));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
