package dev.efspipe.api;

import dev.efspipe.api.config.ApiConfig;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.api.web.WebAssets;
import dev.efspipe.config.IngestRules;
import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.metrics.PipelineMetrics;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * An {@link ApiService} over a temporary EFS root for tests that need no S3 server: presigning is
 * local computation, and the S3 endpoint ({@code 127.0.0.1:9}, discard) is never contacted by them.
 */
final class TestApi {
    static final URI NO_S3 = URI.create("http://127.0.0.1:9");

    private TestApi() {}

    static ApiConfig config(Path efsRoot) {
        return new ApiConfig(EfsConfig.at(efsRoot), ClientConfig.DEFAULT, "uploads", "uploads/", 100L << 20, 5L << 20,
                Duration.ofMinutes(15), 4L << 20, "wall.txt", IngestRules.ACCEPT_ALL);
    }

    static ApiService service(ApiConfig config) {
        return service(config, PipelineMetrics.disabled());
    }

    static ApiService service(ApiConfig config, PipelineMetrics metrics) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test-secret"));
        S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).endpointOverride(NO_S3).forcePathStyle(true).build();
        S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(NO_S3).serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        return new ApiService(config, new WebAssets("testweb/", TestApi.class.getClassLoader(), config.maxResponseBytes()),
                s3, presigner, Clock.systemUTC(), metrics);
    }

    static ApiResponse call(ApiService api, String method, String rawPathAndQuery, String body, Map<String, String> headers) {
        int q = rawPathAndQuery.indexOf('?');
        String path = q < 0 ? rawPathAndQuery : rawPathAndQuery.substring(0, q);
        try {
            return api.handle(new ApiRequest(method, path, ApiRequest.parseQuery(q < 0 ? null : rawPathAndQuery.substring(q + 1)),
                    headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
        } catch (dev.efspipe.api.http.ApiProblem e) {
            return e.toResponse(path);
        }
    }

    static ApiResponse call(ApiService api, String method, String rawPathAndQuery) {
        return call(api, method, rawPathAndQuery, null, Map.of());
    }
}
