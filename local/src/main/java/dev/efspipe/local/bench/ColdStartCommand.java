package dev.efspipe.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.local.stack.S3Notifications;
import dev.efspipe.local.stack.StackInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Measures cold start: a fresh JVM whose class path is exactly a function's deployment zip, from JVM
 * start to the handler constructed (initialisation) and to its first event handled, against the local
 * stack. The baseline, in the same invocation, is a JVM that starts and exits doing nothing; the ratio
 * shows what the function adds. The JVM runs with the flags the Lambda Java runtime sets
 * ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1}). No SnapStart here: that is AWS's.
 */
@Command(name = "coldstart", mixinStandardHelpOptions = true,
        description = "Measure each Lambda zip's cold start (JVM start to first handled event) against a bare JVM.")
public final class ColdStartCommand implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "5", description = "Fresh JVMs per function (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--root", description = "Project root holding ingest/target, processor/target and api/target (default: found from the jar).")
    Path root;

    private static final List<String> LAMBDA_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

    @Override
    public Integer call() throws Exception {
        Path project = root != null ? root : projectRoot();
        Path work = Files.createTempDirectory("pipeline-coldstart-");
        Path probe = extractProbe(work.resolve("probe"));
        try (LocalStack stack = LocalStack.start(LocalStack.Options.ephemeral(work.resolve("stack")).withPollers(false))) {
            StackInfo info = stack.info();
            Path ingest = unzip(project.resolve("ingest/target/efspipe-ingest-lambda.zip"), work.resolve("ingest"));
            Path processor = unzip(project.resolve("processor/target/efspipe-processor-lambda.zip"), work.resolve("processor"));
            Path api = unzip(project.resolve("api/target/efspipe-api-lambda.zip"), work.resolve("api"));
            Map<String, String> env = new HashMap<>(Map.of(
                    "AWS_ACCESS_KEY_ID", info.accessKeyId(), "AWS_SECRET_ACCESS_KEY", info.secretAccessKey(),
                    "AWS_REGION", info.region(), "PIPELINE_SQS_ENDPOINT", info.sqsEndpoint(),
                    "PIPELINE_S3_ENDPOINT", info.s3Endpoint(), "PIPELINE_PROCESS_QUEUE_URL", info.processQueueUrl(),
                    "PIPELINE_INGEST_DEAD_LETTER_QUEUE_URL", info.ingestDeadLetterQueueUrl(),
                    "PIPELINE_EFS_ROOT", info.efsDir().toString(), "PIPELINE_BUCKET", info.bucket()));

            List<JsonNode> baseline = new ArrayList<>();
            List<JsonNode> ingestRuns = new ArrayList<>();
            List<JsonNode> processorRuns = new ArrayList<>();
            List<JsonNode> apiRuns = new ArrayList<>();
            Path apiRequest = work.resolve("api-request.txt");
            Files.writeString(apiRequest, "/api/messages");
            Path inbox = Files.createDirectories(new EfsLayout(info.efsDir()).inbox());
            Files.writeString(inbox.resolve("probe.json"), "[{\"id\":1},{\"id\":2}]");
            for (int i = 0; i < runs; i++) {
                baseline.add(run(work, classPath(ingest, probe), env, "none"));

                Path s3Event = work.resolve("ingest-event-" + i + ".json");
                Files.writeString(s3Event, sqsEventWith(S3Notifications.objectCreated("ObjectCreated:Put", info.region(),
                        info.bucket(), "probe/run-" + i + ".zip", 1234, "etag" + i, null, Instant.now()), info));
                ingestRuns.add(run(work, classPath(ingest, probe), env, "dev.efspipe.ingest.IngestHandler", "stream", s3Event.toString()));

                Path jobBody = work.resolve("processor-job-" + i + ".json");
                Job job = Job.of(UploadSource.efs("probe.json", "run-" + i + "-" + System.nanoTime(),
                        Files.size(inbox.resolve("probe.json"))), DatasetName.of("probe"), Instant.now());
                Files.write(jobBody, Json.MAPPER.writeValueAsBytes(job));
                processorRuns.add(run(work, classPath(processor, probe), env, "dev.efspipe.processor.ProcessorHandler", "sqs", jobBody.toString()));
                apiRuns.add(run(work, classPath(api, probe), env, "dev.efspipe.api.ApiHandler", "http", apiRequest.toString()));
            }
            double base = median(baseline, "totalMs");
            System.out.printf("Cold start, median of %d fresh JVMs each (java %s, flags %s)%n", runs,
                    System.getProperty("java.version"), String.join(" ", LAMBDA_FLAGS));
            System.out.printf("%-10s %12s %10s %14s %10s %14s%n", "function", "JVM->main ms", "init ms", "1st event ms",
                    "total ms", "total/baseline");
            System.out.printf("%-10s %12.0f %10s %14s %10.0f %14s%n", "baseline", median(baseline, "jvmToMainMs"), "-", "-", base, "1.00");
            for (var row : List.of(Map.entry("ingest", ingestRuns), Map.entry("processor", processorRuns),
                    Map.entry("api", apiRuns))) {
                double total = median(row.getValue(), "totalMs");
                System.out.printf("%-10s %12.0f %10.0f %14.0f %10.0f %14.2f%n", row.getKey(), median(row.getValue(), "jvmToMainMs"),
                        median(row.getValue(), "initMs"), median(row.getValue(), "firstEventMs"), total, total / base);
            }
            return 0;
        } finally {
            DurableFiles.deleteTree(work);
        }
    }

    private static JsonNode run(Path work, String classPath, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(LAMBDA_FLAGS);
        cmd.addAll(List.of("-cp", classPath, ColdStartProbe.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(work, "probe", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("The probe failed (" + String.join(" ", args) + "):\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        String last = output.lines().filter(l -> l.startsWith("{\"jvmToMainMs\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("No timings from the probe:\n" + output));
        return Json.MAPPER.readTree(last);
    }

    private static String sqsEventWith(String body, StackInfo info) throws IOException {
        var root = Json.MAPPER.createObjectNode();
        var r = root.putArray("Records").addObject();
        r.put("messageId", "probe-" + System.nanoTime());
        r.put("receiptHandle", "probe");
        r.put("body", body);
        r.putObject("attributes").put("ApproximateReceiveCount", "1");
        r.putObject("messageAttributes");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", "arn:aws:sqs:" + info.region() + ":000000000000:pipeline-ingest");
        r.put("awsRegion", info.region());
        return Json.MAPPER.writeValueAsString(root);
    }

    private static String classPath(Path function, Path probe) {
        return function + File.pathSeparator + function.resolve("lib") + "/*" + File.pathSeparator + probe;
    }

    private static double median(List<JsonNode> runs, String field) {
        double[] v = runs.stream().mapToDouble(n -> n.path(field).asDouble()).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Copies just the probe class out of this tool's class path, so the measured JVM loads nothing else of ours. */
    private static Path extractProbe(Path dir) throws IOException {
        String resource = ColdStartProbe.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ColdStartCommand.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private static Path unzip(Path zip, Path dir) throws IOException {
        if (!Files.exists(zip)) {
            throw new IOException(zip + " is missing: build the Lambda zips first (mvn -B -DskipTests package)");
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("Entry " + e.getName() + " of " + zip + " points outside " + dir);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return dir;
    }

    private static Path projectRoot() {
        try {
            Path jar = Path.of(ColdStartCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().getParent(); // <root>/local/target/pipeline-local.jar
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
