package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
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
import java.util.logging.Logger;

/**
 * The ingest Lambda. It accepts an SQS batch from the ingest queue (the deployed path: S3 notifications,
 * SNS envelopes, EventBridge events and efs-upload messages, all as SQS bodies) or an S3 or EventBridge
 * event delivered directly, so it reads the raw event and looks at its shape. SQS batches are
 * deserialised with the Lambda runtime's own serializers ({@code aws-lambda-java-serialization}), exactly
 * as the runtime would for a typed handler, and answered with a partial batch response.
 *
 * <p>Ingest does not mount EFS: it can use SnapStart and needs no VPC. Clients are built once, here.
 */
public final class IngestHandler implements RequestStreamHandler {
    private static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, IngestHandler.class.getClassLoader());
    private static final PojoSerializer<SQSBatchResponse> BATCH_RESPONSES =
            LambdaEventSerializers.serializerFor(SQSBatchResponse.class, IngestHandler.class.getClassLoader());

    /** The ingest queue's dead-letter queue, where permanently bad announcements go with their reason. */
    public static final String DEAD_LETTER_QUEUE_URL = "PIPELINE_INGEST_DEAD_LETTER_QUEUE_URL";
    private static final Logger LOG = Logger.getLogger(IngestHandler.class.getName());

    private final Ingestor ingestor;

    /** Used by the Lambda runtime. */
    public IngestHandler() {
        this(fromEnvironment(System.getenv()));
    }

    /** Used by tests and the local stack. */
    public IngestHandler(Ingestor ingestor) {
        this.ingestor = ingestor;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] raw = input.readAllBytes();
        JsonNode tree = Json.MAPPER.readTree(raw);
        if (tree != null && "aws:sqs".equals(tree.path("Records").path(0).path("eventSource").asText())) {
            BATCH_RESPONSES.toJson(ingestor.handle(SQS_EVENTS.fromJson(new ByteArrayInputStream(raw))), output);
            return;
        }
        // S3 or EventBridge delivered directly: a failure throws, and Lambda retries the event.
        List<Job> jobs = ingestor.handleDirect(tree);
        Json.MAPPER.writeValue(output, Map.of("jobs", jobs.stream().map(j -> j.id().value()).toList()));
    }

    private static Ingestor fromEnvironment(Map<String, String> env) {
        PipelineConfig config = PipelineConfig.fromEnvironment(env);
        var builder = SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(config.region()));
        if (config.sqsEndpoint() != null) {
            builder.endpointOverride(config.sqsEndpoint());
        }
        SqsClient sqs = builder.build();
        String deadLetterUrl = env.get(DEAD_LETTER_QUEUE_URL);
        DeadLetters deadLetters = deadLetterUrl == null || deadLetterUrl.isBlank()
                ? (body, reason, id) -> LOG.severe("No " + DEAD_LETTER_QUEUE_URL + " set: message " + id
                        + " dropped after logging it: " + reason + "\n" + body)
                : new SqsDeadLetters(sqs, deadLetterUrl);
        return new Ingestor(new SqsJobQueue(sqs, config.processQueueUrl()), deadLetters,
                IngestRules.fromEnvironment(env), Clock.systemUTC());
    }
}
