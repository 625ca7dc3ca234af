package dev.efspipe.local.stack;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.JobClaims;
import dev.efspipe.job.StagingSweeper;
import dev.efspipe.json.Json;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.processor.config.PartFormat;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The whole pipeline on one machine, against real protocol peers on loopback: S3Proxy (filesystem
 * storage) as S3, ElasticMQ as SQS, a directory as EFS, and Lambda-style pollers that feed each queue to
 * the real handlers. Objects created in the bucket by any S3 client are announced on the ingest queue
 * by the storage layer ({@link NotifyingBlobStore}).
 *
 * <p>Local timeouts are shorter than the deployed ones (ingest 30 s, processor 120 s, each queue's
 * visibility timeout equal to its function's timeout) so that a retried message comes back within a
 * minute or two; the template keeps AWS's rule of six times the timeout.
 */
public final class LocalStack implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local-secret";
    public static final int MAX_RECEIVE_COUNT = 5;

    /**
     * The bucket answers browsers' cross-origin requests, as the template's bucket CORS rules do: the web
     * page (served by the API on another port) PUTs files and parts straight to S3 and reads each part's
     * ETag to complete a multipart upload.
     */
    static final CrossOriginResourceSharing BROWSER_UPLOADS = new CrossOriginResourceSharing(
            List.of("*"), List.of("GET", "PUT", "POST", "HEAD"), List.of("*"), List.of("ETag"), "false");

    /**
     * @param dataDir  where S3 objects (and {@code stack.json}) live
     * @param efsDir   the directory that stands in for the EFS access point
     * @param s3Port   0 for any free port
     * @param sqsPort  0 for any free port
     * @param pollers  whether to run the event source mappings (off for {@code invoke}, which calls a handler once)
     * @param partMaxBytes the processor's part size bound
     * @param processorTimeout the processor's timeout, and the process queue's visibility timeout: how long
     *                         until a message that was not deleted (a failure, a job busy elsewhere) comes back
     * @param suspendAfterBytes the processor's {@code PIPELINE_SUSPEND_AFTER_BYTES} (-1: never)
     * @param apiPort  the HTTP API's port: 0 for any free port, -1 for none
     * @param env      extra environment for the functions (ingest rules, api settings)
     */
    public record Options(Path dataDir, Path efsDir, int s3Port, int sqsPort, String bucket, boolean pollers,
                          long partMaxBytes, Duration processorTimeout, long suspendAfterBytes, int apiPort,
                          Map<String, String> env) {
        public Options {
            env = Map.copyOf(env);
        }

        public static Options ephemeral(Path dataDir) {
            return new Options(dataDir, dataDir.resolve("efs"), 0, 0, "uploads", true, PartFormat.DEFAULT_MAX_BYTES,
                    LocalFunctions.PROCESSOR_TIMEOUT, -1, -1, Map.of());
        }

        public Options withPollers(boolean on) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, bucket, on, partMaxBytes, processorTimeout, suspendAfterBytes,
                    apiPort, env);
        }

        public Options withEfsDir(Path dir) {
            return new Options(dataDir, dir, s3Port, sqsPort, bucket, pollers, partMaxBytes, processorTimeout, suspendAfterBytes,
                    apiPort, env);
        }

        public Options withPorts(int s3, int sqs) {
            return new Options(dataDir, efsDir, s3, sqs, bucket, pollers, partMaxBytes, processorTimeout, suspendAfterBytes,
                    apiPort, env);
        }

        public Options withBucket(String name) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, name, pollers, partMaxBytes, processorTimeout, suspendAfterBytes,
                    apiPort, env);
        }

        public Options withPartMaxBytes(long bytes) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, bucket, pollers, bytes, processorTimeout, suspendAfterBytes,
                    apiPort, env);
        }

        public Options withProcessorTimeout(Duration timeout) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, bucket, pollers, partMaxBytes, timeout, suspendAfterBytes,
                    apiPort, env);
        }

        /** Makes the processor stop after writing this many bytes per invocation and continue in the next. */
        public Options withSuspendAfterBytes(long bytes) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, bucket, pollers, partMaxBytes, processorTimeout, bytes,
                    apiPort, env);
        }

        /** Serves the HTTP API on this port (0: any free port; -1, the default: no API server). */
        public Options withApiPort(int port) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, bucket, pollers, partMaxBytes, processorTimeout,
                    suspendAfterBytes, port, env);
        }

        /**
         * Environment variables for the functions, as the template sets them (for example the ingest rules
         * {@code PIPELINE_ACCEPT_PREFIXES}, or the api's {@code PIPELINE_MULTIPART_THRESHOLD_BYTES}).
         */
        public Options withEnv(Map<String, String> variables) {
            return new Options(dataDir, efsDir, s3Port, sqsPort, bucket, pollers, partMaxBytes, processorTimeout,
                    suspendAfterBytes, apiPort, variables);
        }
    }

    private final Options options;
    private SQSRestServer sqsServer;
    private S3Proxy s3Proxy;
    private SqsClient sqs;
    private S3Client s3;
    private StackInfo info;
    private LocalFunctions functions;
    private QueuePoller ingestPoller;
    private QueuePoller processPoller;
    private LocalApiServer api;

    private LocalStack(Options options) {
        this.options = options;
    }

    public static LocalStack start(Options options) throws Exception {
        LocalStack stack = new LocalStack(options);
        try {
            stack.boot();
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        Files.createDirectories(options.dataDir());
        // Created like the access point's root directory: 750, so only the owner and its group get in.
        new DurableFiles(Permissions.DEFAULT).createDirectories(options.efsDir());
        sweepStaging(options.efsDir());
        Path s3Dir = Files.createDirectories(options.dataDir().resolve("s3"));

        int sqsPort = options.sqsPort() == 0 ? freePort() : options.sqsPort();
        sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
                .withAWSRegion(REGION).withAWSAccountId("000000000000").start();
        sqsServer.waitUntilStarted();
        URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                .credentialsProvider(credentials).endpointOverride(sqsEndpoint).build();

        String ingestDlq = createQueue("pipeline-ingest-dlq", null, Duration.ofSeconds(30));
        String processDlq = createQueue("pipeline-process-dlq", null, Duration.ofSeconds(30));
        String ingestQueue = createQueue("pipeline-ingest", arn(ingestDlq), LocalFunctions.INGEST_TIMEOUT);
        String processQueue = createQueue("pipeline-process", arn(processDlq), options.processorTimeout());

        var blobs = new FilesystemNio2BlobStore(s3Dir.toString());
        var notifying = new NotifyingBlobStore(blobs, (eventName, bucket, key, head) ->
                sqs.sendMessage(b -> b.queueUrl(ingestQueue).messageBody(S3Notifications.objectCreated(eventName, REGION,
                        bucket, key, head.contentLength(), head.eTag(), head.versionId(), Instant.now()))));
        if (!blobs.containerExists(options.bucket())) {
            blobs.createContainer(options.bucket());
        }
        s3Proxy = S3Proxy.builder().blobStore(notifying)
                .endpoint(URI.create("http://127.0.0.1:" + options.s3Port()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .corsRules(BROWSER_UPLOADS)
                .build();
        s3Proxy.start();
        await(Duration.ofSeconds(30), () -> "STARTED".equals(s3Proxy.getState()), "S3Proxy to start");
        URI s3Endpoint = URI.create("http://127.0.0.1:" + s3Proxy.getPort());
        s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(REGION))
                .credentialsProvider(credentials).endpointOverride(s3Endpoint).forcePathStyle(true).build();

        info = new StackInfo(s3Endpoint.toString(), sqsEndpoint.toString(), REGION, ACCESS_KEY, SECRET_KEY,
                options.bucket(), ingestQueue, ingestDlq, processQueue, processDlq,
                options.efsDir().toAbsolutePath(), ProcessHandle.current().pid(), null);

        functions = LocalFunctions.connect(info, options);
        if (options.apiPort() >= 0) {
            api = LocalApiServer.start(options.apiPort(), functions.api(), LocalFunctions.API_TIMEOUT);
            info = info.withApiEndpoint(api.endpoint().toString());
        }
        if (options.pollers()) {
            ingestPoller = new QueuePoller(sqs, ingestQueue, arn(ingestQueue), REGION, functions.get("ingest"), 10, 2);
            processPoller = new QueuePoller(sqs, processQueue, arn(processQueue), REGION, functions.get("processor"), 1, 2);
            ingestPoller.start();
            processPoller.start();
        }
    }

    public StackInfo info() {
        return info;
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** The handlers wired to this stack, for {@code invoke}. */
    public LocalFunctions functions() {
        return functions;
    }

    /** Writes {@code stack.json} into the data directory. */
    public Path writeInfo() throws IOException {
        Path file = options.dataDir().resolve("stack.json");
        // Replaced atomically: a reader polling for the file (./pipeline invoke, a test) never sees it empty.
        new DurableFiles(Permissions.DEFAULT).writeAtomically(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
        return file;
    }

    /** Messages waiting or in flight on a queue, as SQS approximates them. */
    public int pending(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Batches a function's poller has handled so far (0 without pollers). */
    public long batchesHandled(String function) {
        QueuePoller poller = function.equals("ingest") ? ingestPoller : processPoller;
        return poller == null ? 0 : poller.batchesHandled();
    }

    /**
     * True when both work queues are empty and no poller is handling a batch. Ingest sends a job before
     * its own message is deleted, and a message in flight counts as not visible, so checking the ingest
     * queue before the process queue cannot miss a job in between.
     */
    public boolean quiescent() {
        return pending(info.ingestQueueUrl()) == 0 && pending(info.processQueueUrl()) == 0
                && (ingestPoller == null || ingestPoller.idle()) && (processPoller == null || processPoller.idle());
    }

    /** Waits until {@code condition} holds, checking every 50 ms, or fails after {@code timeout}. */
    public static void await(Duration timeout, BooleanSupplier condition, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private String createQueue(String name, String deadLetterArn, Duration visibility) {
        var attributes = new HashMap<QueueAttributeName, String>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibility.toSeconds()));
        if (deadLetterArn != null) {
            attributes.put(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}");
        }
        return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    private String arn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Removes what dead processors left in staging before the pollers start. */
    private static void sweepStaging(Path efsDir) throws IOException {
        var layout = new EfsLayout(efsDir);
        var files = new DurableFiles(Permissions.DEFAULT);
        var clock = Clock.systemUTC();
        var removed = new StagingSweeper(layout, files,
                new JobClaims(layout, files, Duration.ofSeconds(30), clock), clock, Duration.ofSeconds(30)).sweep();
        if (!removed.isEmpty()) {
            System.err.println("Removed " + removed.size() + " stale staging director" + (removed.size() == 1 ? "y" : "ies")
                    + " of dead processors under " + layout.stagingDir());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : List.<AutoCloseable>of(
                () -> { if (ingestPoller != null) ingestPoller.close(); },
                () -> { if (processPoller != null) processPoller.close(); },
                () -> { if (api != null) api.close(); },
                () -> { if (functions != null) functions.close(); },
                () -> { if (s3Proxy != null) s3Proxy.stop(); },
                () -> { if (s3 != null) s3.close(); },
                () -> { if (sqs != null) sqs.close(); },
                () -> { if (sqsServer != null) sqsServer.stopAndWait(); })) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("While stopping the local stack: " + e);
            }
        }
    }
}
