package dev.efspipe.config;

import java.net.URI;
import java.util.Objects;

/**
 * What the AWS clients of a function need: the region, and endpoint overrides that point them at the local
 * stack's servers (null in AWS). The clients themselves are built in the function modules, which have the SDK.
 *
 * @param region      AWS region ({@code AWS_REGION}, set by Lambda)
 * @param s3Endpoint  endpoint override for S3 (path-style), or null for AWS
 * @param sqsEndpoint endpoint override for SQS, or null for AWS
 */
public record ClientConfig(String region, URI s3Endpoint, URI sqsEndpoint) {
    public static final String REGION = "AWS_REGION";
    public static final String S3_ENDPOINT = "PIPELINE_S3_ENDPOINT";
    public static final String SQS_ENDPOINT = "PIPELINE_SQS_ENDPOINT";
    /** The process queue: ingest sends jobs there, the processor its continuations. Read by each function's config. */
    public static final String PROCESS_QUEUE_URL = "PIPELINE_PROCESS_QUEUE_URL";

    /** AWS in us-east-1, no overrides. */
    public static final ClientConfig DEFAULT = new ClientConfig("us-east-1", null, null);

    public ClientConfig {
        Objects.requireNonNull(region, "region");
    }

    public static ClientConfig from(Settings settings) {
        return new ClientConfig(settings.string(REGION, DEFAULT.region()), settings.uri(S3_ENDPOINT).orElse(null),
                settings.uri(SQS_ENDPOINT).orElse(null));
    }
}
