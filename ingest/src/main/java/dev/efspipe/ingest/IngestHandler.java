package dev.efspipe.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.config.PipelineConfig;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The ingest Lambda. It accepts either an SQS batch from the ingest queue (S3 notifications wrapped in
 * SQS, the deployed path) or an S3 event delivered directly, so it reads the raw event, looks at its
 * {@code eventSource}, and deserialises it with the Lambda runtime's own serializers
 * ({@code aws-lambda-java-serialization}), exactly as the runtime would for a typed handler.
 *
 * <p>Ingest does not mount EFS: it can use SnapStart and needs no VPC. Clients are built once, here.
 */
public final class IngestHandler implements RequestStreamHandler {
    private static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, IngestHandler.class.getClassLoader());
    private static final PojoSerializer<S3Event> S3_EVENTS =
            LambdaEventSerializers.serializerFor(S3Event.class, IngestHandler.class.getClassLoader());
    private static final PojoSerializer<SQSBatchResponse> BATCH_RESPONSES =
            LambdaEventSerializers.serializerFor(SQSBatchResponse.class, IngestHandler.class.getClassLoader());

    private final Ingestor ingestor;

    /** Used by the Lambda runtime. */
    public IngestHandler() {
        this(fromEnvironment(PipelineConfig.fromEnvironment(System.getenv())));
    }

    /** Used by tests and the local stack. */
    public IngestHandler(Ingestor ingestor) {
        this.ingestor = ingestor;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] raw = input.readAllBytes();
        JsonNode tree = Json.MAPPER.readTree(raw);
        String source = tree == null ? "" : tree.path("Records").path(0).path("eventSource").asText("");
        switch (source) {
            case "aws:sqs" -> BATCH_RESPONSES.toJson(ingestor.handle(SQS_EVENTS.fromJson(new ByteArrayInputStream(raw))), output);
            case "aws:s3" -> {
                List<Job> jobs = ingestor.handle(S3_EVENTS.fromJson(new ByteArrayInputStream(raw)));
                Json.MAPPER.writeValue(output, Map.of("jobs", jobs.stream().map(j -> j.id().value()).toList()));
            }
            default -> throw new IllegalArgumentException("Unrecognised event: expected Records from aws:sqs or aws:s3, got '"
                    + source + "'");
        }
    }

    private static Ingestor fromEnvironment(PipelineConfig config) {
        var sqs = SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(config.region()));
        if (config.sqsEndpoint() != null) {
            sqs.endpointOverride(config.sqsEndpoint());
        }
        return new Ingestor(new SqsJobQueue(sqs.build(), config.processQueueUrl()), Clock.systemUTC());
    }
}
