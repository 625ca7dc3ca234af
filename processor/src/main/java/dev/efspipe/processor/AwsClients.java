package dev.efspipe.processor;

import dev.efspipe.config.ClientConfig;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The processor's SDK clients as a function builds them: the URL-connection HTTP client, region and endpoints from {@link ClientConfig}. */
final class AwsClients {
    private AwsClients() {}

    static S3Client s3(ClientConfig config) {
        var builder = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(config.region()));
        if (config.s3Endpoint() != null) {
            builder.endpointOverride(config.s3Endpoint()).forcePathStyle(true);
        }
        return builder.build();
    }

    static SqsClient sqs(ClientConfig config) {
        var builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(config.region()));
        if (config.sqsEndpoint() != null) {
            builder.endpointOverride(config.sqsEndpoint());
        }
        return builder.build();
    }
}
