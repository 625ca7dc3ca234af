package dev.efspipe.local.stack;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.efspipe.api.ApiConfig;
import dev.efspipe.api.ApiHandler;
import dev.efspipe.api.ApiService;
import dev.efspipe.config.Permissions;
import dev.efspipe.config.PipelineConfig;
import dev.efspipe.ingest.IngestHandler;
import dev.efspipe.config.IngestRules;
import dev.efspipe.ingest.Ingestor;
import dev.efspipe.ingest.SqsDeadLetters;
import dev.efspipe.ingest.SqsJobQueue;
import dev.efspipe.processor.ProcessorHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The three functions wired to a local stack's endpoints, configured as the template configures them in
 * AWS (the same handler classes; clients pointed at the local servers).
 */
public final class Functions implements AutoCloseable {
    static final Duration INGEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration PROCESSOR_TIMEOUT = Duration.ofSeconds(120);
    static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    private final SqsClient sqs;
    private final S3Client s3;
    private final LocalFunction ingest;
    private final LocalFunction processor;
    private final ApiHandler api;

    private Functions(StackInfo info, LocalStack.Options options) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(info.accessKeyId(), info.secretAccessKey()));
        URI s3Endpoint = URI.create(info.s3Endpoint());
        URI sqsEndpoint = URI.create(info.sqsEndpoint());
        this.sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(info.region()))
                .credentialsProvider(credentials).endpointOverride(sqsEndpoint).build();
        this.s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(info.region()))
                .credentialsProvider(credentials).endpointOverride(s3Endpoint).forcePathStyle(true).build();
        // Suspend margin: a sixth of the timeout (20 s of the default 120 s), so a short test timeout does not
        // make every part a suspension.
        PipelineConfig config = new PipelineConfig(info.efsDir(), info.processQueueUrl(), s3Endpoint, sqsEndpoint,
                info.region(), options.partMaxBytes(), Duration.ofSeconds(60), Duration.ofSeconds(30), Permissions.DEFAULT, false,
                options.processorTimeout().dividedBy(6), options.suspendAfterBytes());
        this.ingest = LocalFunction.of("ingest", INGEST_TIMEOUT, 512,
                new IngestHandler(new Ingestor(new SqsJobQueue(sqs, info.processQueueUrl()),
                        new SqsDeadLetters(sqs, info.ingestDeadLetterQueueUrl()), IngestRules.fromEnvironment(options.env()),
                        Clock.systemUTC())));
        this.processor = LocalFunction.of("processor", options.processorTimeout(), 2048, new ProcessorHandler(config, s3, sqs),
                SQSEvent.class, SQSBatchResponse.class);
        this.api = new ApiHandler(ApiService.fromEnvironment(apiEnvironment(info, options)));
    }

    /** The api function's environment as the template sets it, pointed at the local servers. */
    static Map<String, String> apiEnvironment(StackInfo info, LocalStack.Options options) {
        Map<String, String> env = new HashMap<>(Map.of(
                PipelineConfig.EFS_ROOT, info.efsDir().toString(),
                PipelineConfig.S3_ENDPOINT, info.s3Endpoint(),
                "AWS_REGION", info.region(),
                "AWS_ACCESS_KEY_ID", info.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", info.secretAccessKey(),
                ApiConfig.BUCKET, info.bucket()));
        env.putAll(options.env());
        return env;
    }

    /** The functions as the stack started with {@code options} runs them, against the servers {@code info} names. */
    public static Functions connect(StackInfo info, LocalStack.Options options) {
        return new Functions(info, options);
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

    /** {@code ingest} or {@code processor}. */
    public LocalFunction get(String name) {
        return switch (name) {
            case "ingest" -> ingest;
            case "processor" -> processor;
            default -> throw new IllegalArgumentException("No function '" + name + "': use ingest or processor");
        };
    }

    @Override
    public void close() {
        s3.close();
        sqs.close();
    }
}
