package dev.efspipe.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.local.stack.S3Notifications;
import dev.efspipe.metrics.EmfSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code AWS_LAMBDA_LOG_FORMAT=JSON}, as Lambda sets it for the template's functions, each function (ingest,
 * processor, api) logs one JSON object per line carrying the invocation's request id and the job's id, dataset and key, and writes
 * its metrics as EMF lines CloudWatch accepts. Run as Lambda would run them: {@code ./pipeline invoke} in a
 * child process, the function built by its own factory, the log read from the process's standard error.
 */
class JsonLogsIT {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** The JDK's default two-line format ("Dec 01, 2026 8:13:16 PM ...") and our text format ("20:13:16 INFO ..."). */
    private static final Pattern TEXT_LOG_LINE = Pattern.compile(
            "^([A-Z][a-z]{2} \\d{2}, \\d{4} .*[AP]M .*|\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) .*|(INFO|WARNING|SEVERE): .*)$");

    @TempDir
    Path dir;

    @Test
    void ingestLogsItsRequestAndTheJobsItQueuesAsJson() throws Exception {
        UploadSource upload = UploadSource.s3("uploads", "incoming/Orders 2026.zip", null, "etag-1", 10);
        String expectedJob = Job.of(upload, DatasetName.of("orders-2026"), Instant.now()).id().value();
        Path event = sqsEvent(dir.resolve("ingest-event.json"), S3Notifications.objectCreated("ObjectCreated:Put",
                "us-east-1", "uploads", "incoming/Orders 2026.zip", 10, "etag-1", null, Instant.now()));

        Output out = invoke("ingest", event);

        List<JsonNode> logs = ourLogLines(out);
        String requestId = onlyRequestId(logs);
        JsonNode queued = logs.stream().filter(l -> l.path("message").asText().startsWith("Queued job")).findFirst().orElseThrow(
                () -> new AssertionError("no 'Queued job' line in " + out.stderr));
        assertThat(queued.path("requestId").asText()).isEqualTo(requestId);
        assertThat(queued.path("jobId").asText()).isEqualTo(expectedJob);
        assertThat(queued.path("dataset").asText()).isEqualTo("orders-2026");
        assertThat(queued.path("key").asText()).isEqualTo("incoming/Orders 2026.zip");
        assertThat(queued.path("level").asText()).isEqualTo("INFO");

        List<JsonNode> metrics = emf(out);
        assertThat(metrics).as("EMF lines of ingest").isNotEmpty();
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.path("JobsQueued").asLong()).isEqualTo(1);
            assertThat(m.path("Function").asText()).isEqualTo("ingest");
        });
    }

    @Test
    void processorLogsItsRequestAndJobAsJsonAndWritesItsJobMetrics() throws Exception {
        Path efs = dir.resolve("efs");
        Path inbox = Files.createDirectories(efs.resolve("inbox/web"));
        Files.writeString(inbox.resolve("three.json"), "[{\"n\":1},{\"n\":2},{\"n\":3}]");
        Job job = Job.of(UploadSource.efs("web/three.json", "upload-7", Files.size(inbox.resolve("three.json"))),
                DatasetName.of("three"), Instant.now());
        Path event = sqsEvent(dir.resolve("processor-event.json"), Json.MAPPER.writeValueAsString(job));

        Output out = invoke("processor", event, "--efs", efs.toString());

        List<JsonNode> logs = ourLogLines(out);
        String requestId = onlyRequestId(logs);
        List<JsonNode> jobLines = logs.stream().filter(l -> l.has("jobId")).toList();
        assertThat(jobLines).as("log lines about the job").isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("jobId").asText()).isEqualTo(job.id().value());
            assertThat(line.path("dataset").asText()).isEqualTo("three");
            assertThat(line.path("key").asText()).isEqualTo("web/three.json");
            assertThat(line.path("requestId").asText()).isEqualTo(requestId);
        });
        assertThat(jobLines).as("the outcome line").anySatisfy(line -> assertThat(line.path("message").asText())
                .startsWith("Job " + job.id().value() + " PUBLISHED"));

        List<JsonNode> metrics = emf(out);
        assertThat(metrics).as("EMF lines of the processor").hasSize(1);
        JsonNode document = metrics.get(0);
        assertThat(document.path("Function").asText()).isEqualTo("processor");
        assertThat(document.path("JobsPublished").asLong()).isEqualTo(1);
        assertThat(document.path("Records").asLong()).isEqualTo(3);
        assertThat(document.path("Parts").asLong()).isEqualTo(1);
        assertThat(document.path("InputBytes").asLong()).isEqualTo(Files.size(inbox.resolve("three.json")));
        assertThat(document.path("EfsBytesRead").asLong()).isGreaterThanOrEqualTo(Files.size(inbox.resolve("three.json")));
        assertThat(document.path("EfsBytesWritten").asLong()).isPositive();
        assertThat(document.path("jobId").asText()).isEqualTo(job.id().value());
        assertThat(document.path("requestId").asText()).isEqualTo(requestId);
    }

    @Test
    void apiLogsItsRequestAndTheJobItIsAskedAboutAsJsonAndCountsTheRequest() throws Exception {
        String jobId = Job.of(UploadSource.efs("web/none.json", "upload-8", 2), DatasetName.of("none"), Instant.now()).id().value();
        Path event = httpEvent(dir.resolve("api-event.json"), "GET", "/api/jobs/" + jobId);

        Output out = invoke("api", event, "--efs", Files.createDirectories(dir.resolve("efs")).toString());

        assertThat(Json.MAPPER.readTree(out.stdout).path("statusCode").asInt()).as("the api's answer").isEqualTo(404);
        List<JsonNode> logs = ourLogLines(out);
        String requestId = onlyRequestId(logs);
        JsonNode answered = logs.stream().filter(l -> l.path("message").asText().startsWith("GET /api/jobs/" + jobId + ": 404"))
                .findFirst().orElseThrow(() -> new AssertionError("no line about the 404 in " + out.stderr));
        assertThat(answered.path("requestId").asText()).isEqualTo(requestId);
        assertThat(answered.path("jobId").asText()).isEqualTo(jobId);
        assertThat(answered.path("level").asText()).isEqualTo("INFO");

        List<JsonNode> metrics = emf(out);
        assertThat(metrics).as("EMF lines of the api").hasSize(1);
        JsonNode document = metrics.get(0);
        assertThat(document.path("Function").asText()).isEqualTo("api");
        assertThat(document.path("ApiRequests").asLong()).isEqualTo(1);
        assertThat(document.path("ApiClientErrors").asLong()).isEqualTo(1);
        assertThat(document.path("ApiServerErrors").asLong()).isZero();
        assertThat(document.path("requestId").asText()).isEqualTo(requestId);
        assertThat(document.path("jobId").asText()).isEqualTo(jobId);
    }

    // ------------------------------------------------------------------ helpers

    private record Output(int exit, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    private Output invoke(String function, Path event, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar(), "invoke", function, "--event", event.toString(),
                "--data", dir.resolve("no-stack").toString()));
        command.addAll(List.of(more));
        Path stdout = dir.resolve(function + ".out");
        Path stderr = dir.resolve(function + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        builder.environment().remove("AWS_EXECUTION_ENV");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        Output out = new Output(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        assertThat(out.exit).as("exit of %s; stderr:%n%s", command, out.stderr).isZero();
        return out;
    }

    /** Every log line of our code, parsed; and no log line of any kind in plain text. */
    private static List<JsonNode> ourLogLines(Output out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.stderrLines()) {
            assertThat(line).as("a plain-text log line in JSON mode").doesNotMatch(TEXT_LOG_LINE);
            if (line.startsWith("{")) {
                JsonNode json = Json.MAPPER.readTree(line);
                if (!json.has("_aws") && json.path("logger").asText().startsWith("dev.efspipe.")) {
                    assertThat(json.fieldNames()).toIterable().contains("timestamp", "level", "message", "logger");
                    lines.add(json);
                }
            }
        }
        assertThat(lines).as("JSON log lines of the function in:%n%s", out.stderr).isNotEmpty();
        return lines;
    }

    /** The one request id of the invocation: every line written while handling it carries it. */
    private static String onlyRequestId(List<JsonNode> logs) {
        Set<String> ids = new TreeSet<>();
        logs.stream().filter(l -> l.has("requestId")).forEach(l -> ids.add(l.path("requestId").asText()));
        assertThat(ids).as("request ids in the log").hasSize(1);
        String id = ids.iterator().next();
        assertThat(id).matches(UUID);
        return id;
    }

    /** The EMF lines, each checked against the EMF specification. */
    private static List<JsonNode> emf(Output out) throws IOException {
        for (String line : out.stderrLines()) {
            if (line.startsWith("{\"_aws\"")) {
                assertThat(EmfSpecification.problems(line)).as("EMF line %s", line).isEmpty();
            }
        }
        return EmfSpecification.documents(out.stderrLines());
    }

    private static Path sqsEvent(Path file, String body) throws IOException {
        return SqsEventFiles.write(file, "json-logs-1", body);
    }

    /** An HTTP API (payload format 2.0) event, as API Gateway delivers it to the api function. */
    private static Path httpEvent(Path file, String method, String path) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "2.0");
        root.put("routeKey", "$default");
        root.put("rawPath", path);
        root.put("rawQueryString", "");
        root.putObject("headers").put("accept", "application/json");
        ObjectNode context = root.putObject("requestContext");
        context.put("accountId", "000000000000");
        context.put("apiId", "json-logs");
        context.put("requestId", "json-logs-api-1");
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("timeEpoch", System.currentTimeMillis());
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "127.0.0.1");
        root.put("isBase64Encoded", false);
        Files.writeString(file, root.toString());
        return file;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        return Path.of(System.getProperty("project.root", "..")).resolve("local/target/pipeline-local.jar").toAbsolutePath().toString();
    }
}
