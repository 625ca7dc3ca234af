package dev.efspipe.local.stack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.efspipe.api.config.ApiConfig;
import dev.efspipe.api.ApiHandler;
import dev.efspipe.api.ApiService;
import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.config.TelemetryConfig;
import dev.efspipe.ingest.IngestConfig;
import dev.efspipe.ingest.IngestHandler;
import dev.efspipe.ingest.IngestService;
import dev.efspipe.processor.ProcessorHandler;
import dev.efspipe.processor.ProcessorService;
import dev.efspipe.processor.config.PartFormat;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.config.SuspendRule;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The three functions wired to a local stack's endpoints the way the template wires them in AWS: each gets an
 * environment (the {@code PIPELINE_*} variables and the log format of this process, overlaid with what the template would set,
 * pointed at the local servers) and is built by the same {@code fromEnvironment} factory its Lambda handler
 * uses. Only the clients are handed in, for the local servers' credentials.
 */
public final class LocalFunctions implements AutoCloseable {
    static final Duration INGEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration PROCESSOR_TIMEOUT = Duration.ofSeconds(120);
    static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private final SqsClient sqs;
    private final S3Client s3;
    private final LocalFunction ingest;
    private final LocalFunction processor;
    private final ApiHandler api;
    private final LocalFunction apiFunction;

    private LocalFunctions(StackInfo info, LocalStack.Options options, Map<String, String> processEnv) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(info.accessKeyId(), info.secretAccessKey()));
        this.sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(info.region()))
                .credentialsProvider(credentials).endpointOverride(URI.create(info.sqsEndpoint())).build();
        this.s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(info.region()))
                .credentialsProvider(credentials).endpointOverride(URI.create(info.s3Endpoint())).forcePathStyle(true).build();
        this.ingest = LocalFunction.of("ingest", INGEST_TIMEOUT, 512,
                new IngestHandler(IngestService.fromEnvironment(environment("ingest", info, options, processEnv), sqs)));
        this.processor = LocalFunction.of("processor", options.processorTimeout(), 2048,
                new ProcessorHandler(ProcessorService.fromEnvironment(environment("processor", info, options, processEnv), s3, sqs)),
                SQSEvent.class, SQSBatchResponse.class);
        // The presigner signs with the local servers' credentials, read from its environment like Lambda's.
        Map<String, String> apiEnv = environment("api", info, options, processEnv);
        apiEnv.put("AWS_ACCESS_KEY_ID", info.accessKeyId());
        apiEnv.put("AWS_SECRET_ACCESS_KEY", info.secretAccessKey());
        apiEnv.put(ApiConfig.BUCKET, info.bucket());
        this.api = new ApiHandler(ApiService.fromEnvironment(apiEnv));
        this.apiFunction = LocalFunction.of("api", API_TIMEOUT, 512, api, APIGatewayV2HTTPEvent.class,
                APIGatewayV2HTTPResponse.class);
    }

    /** The functions as the stack started with {@code options} runs them, against the servers {@code info} names. */
    public static LocalFunctions connect(StackInfo info, LocalStack.Options options) {
        return new LocalFunctions(info, options, System.getenv());
    }

    /**
     * A function's environment: the {@code PIPELINE_*} variables of {@code processEnv} (so a person can set limits
     * for {@code ./pipeline up} as the template sets them), then the stack's own: its endpoints, queues and EFS
     * directory (after the options' own {@code env}), a lease of 60 s, and a suspend margin of a sixth of the timeout (20 s of the default 120 s), so a
     * short test timeout does not make every part a suspension.
     */
    static Map<String, String> environment(String function, StackInfo info, LocalStack.Options options,
                                           Map<String, String> processEnv) {
        Map<String, String> env = new HashMap<>();
        processEnv.forEach((name, value) -> {
            // The log format too: with AWS_LAMBDA_LOG_FORMAT=JSON the functions log JSON and write EMF, as in Lambda.
            if (name.startsWith("PIPELINE_") || name.equals(TelemetryConfig.LOG_FORMAT)) {
                env.put(name, value);
            }
        });
        env.putAll(options.env());
        env.put(ProcessorConfig.FUNCTION_NAME, function);
        env.put(ClientConfig.REGION, info.region());
        env.put(ClientConfig.S3_ENDPOINT, info.s3Endpoint());
        env.put(ClientConfig.SQS_ENDPOINT, info.sqsEndpoint());
        env.put(ClientConfig.PROCESS_QUEUE_URL, info.processQueueUrl());
        env.put(IngestConfig.DEAD_LETTER_QUEUE_URL, info.ingestDeadLetterQueueUrl());
        env.put(EfsConfig.EFS_ROOT, info.efsDir().toString());
        env.put(EfsConfig.LEASE_SECONDS, "60");
        env.put(EfsConfig.LOCK_TIMEOUT_SECONDS, "30");
        env.put(PartFormat.PART_MAX_BYTES, Long.toString(options.partMaxBytes()));
        env.put(SuspendRule.SUSPEND_MARGIN_SECONDS, Long.toString(options.processorTimeout().toSeconds() / 6));
        if (options.suspendAfterBytes() >= 0) {
            env.put(SuspendRule.SUSPEND_AFTER_BYTES, Long.toString(options.suspendAfterBytes()));
        }
        return env;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public S3Client s3() {
        return s3;
    }

    /** The api handler, which the local API server feeds with HTTP API events. */
    public ApiHandler api() {
        return api;
    }

    /** {@code ingest}, {@code processor} or {@code api} (fed an HTTP API payload 2.0 event). */
    public LocalFunction get(String name) {
        return switch (name) {
            case "ingest" -> ingest;
            case "processor" -> processor;
            case "api" -> apiFunction;
            default -> throw new IllegalArgumentException("No function '" + name + "': use ingest, processor or api");
        };
    }

    @Override
    public void close() {
        s3.close();
        sqs.close();
    }
}
