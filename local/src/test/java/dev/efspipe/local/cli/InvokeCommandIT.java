package dev.efspipe.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.local.Await;
import dev.efspipe.local.stack.S3Notifications;
import dev.efspipe.local.stack.StackInfo;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./pipeline invoke}, as real processes: with no stack running it starts an ephemeral one for the
 * call; with {@code ./pipeline up} running it uses that stack, and a processor event published through it
 * shows up in that stack's EFS directory.
 */
class InvokeCommandIT {
    @TempDir
    Path dir;

    @Test
    void ingestEventWithNoStackRunningIsAnsweredWithABatchResponse() throws Exception {
        Path event = sqsEvent(dir.resolve("ingest-event.json"), S3Notifications.objectCreated("ObjectCreated:Put",
                "us-east-1", "uploads", "in/x.zip", 10, "etag", null, Instant.now()));

        Result r = run(dir.resolve("invoke.log"), "invoke", "ingest", "--event", event.toString(), "--data", dir.resolve("none").toString());

        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("ephemeral");
        JsonNode response = Json.MAPPER.readTree(r.output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertThat(response.get("batchItemFailures")).isEmpty();
    }

    @Test
    void processorEventAgainstARunningStackPublishesIntoItsEfs() throws Exception {
        Path data = dir.resolve("data");
        Process up = new ProcessBuilder(java(), "-jar", jar(), "up", "--data", data.toString(), "--s3-port", "0", "--sqs-port", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve("up.log").toFile()).start();
        try {
            Await.until("stack.json written", Duration.ofSeconds(90), Duration.ofMillis(20), () -> {
                if (Files.exists(data.resolve("stack.json"))) {
                    return true;
                }
                assertThat(up.isAlive()).as(Files.readString(dir.resolve("up.log"))).isTrue();
                return false;
            });
            StackInfo info = Json.MAPPER.readValue(data.resolve("stack.json").toFile(), StackInfo.class);
            Path inbox = Files.createDirectories(info.efsDir().resolve("inbox"));
            Files.writeString(inbox.resolve("invoked.json"), "[{\"n\":1},{\"n\":2}]");
            Job job = Job.of(UploadSource.efs("invoked.json", "u-1", Files.size(inbox.resolve("invoked.json"))),
                    DatasetName.of("invoked"), Instant.now());
            Path event = sqsEvent(dir.resolve("processor-event.json"), Json.MAPPER.writeValueAsString(job));

            Result r = run(dir.resolve("invoke.log"), "invoke", "processor", "--event", event.toString(), "--data", data.toString());

            assertThat(r.exit).as(r.output).isZero();
            assertThat(r.output).contains("Using the local stack running with");
            DatasetReader reader = new DatasetReader(info.efsDir());
            assertThat(reader.manifest(DatasetName.of("invoked"), reader.current(DatasetName.of("invoked")).orElseThrow()).records())
                    .isEqualTo(2);
        } finally {
            up.destroy(); // SIGTERM: the shutdown hook stops the stack and removes stack.json
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(data.resolve("stack.json")).doesNotExist();
    }

    private record Result(int exit, String output) {}

    private static Result run(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static Path sqsEvent(Path file, String body) throws IOException {
        return SqsEventFiles.write(file, "invoke-1", body);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        return Path.of(System.getProperty("project.root", "..")).resolve("local/target/pipeline-local.jar").toAbsolutePath().toString();
    }
}
