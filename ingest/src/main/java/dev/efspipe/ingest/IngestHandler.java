package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import dev.efspipe.logging.LogContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The ingest Lambda: an adapter. It accepts an SQS batch from the ingest queue (the deployed path: S3
 * notifications, SNS envelopes, EventBridge events and efs-upload messages, all as SQS bodies) or an S3 or
 * EventBridge event delivered directly, so it reads the raw event and looks at its shape. SQS batches are
 * deserialised with the Lambda runtime's own serializers ({@code aws-lambda-java-serialization}), exactly as
 * the runtime would for a typed handler, and answered with a partial batch response.
 *
 * <p>Ingest does not mount EFS: it can use SnapStart and needs no VPC.
 */
public final class IngestHandler implements RequestStreamHandler {
    private static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, IngestHandler.class.getClassLoader());
    private static final PojoSerializer<SQSBatchResponse> BATCH_RESPONSES =
            LambdaEventSerializers.serializerFor(SQSBatchResponse.class, IngestHandler.class.getClassLoader());

    private final IngestService service;

    /** Used by the Lambda runtime: the service is built once per execution environment, from its environment. */
    public IngestHandler() {
        this(IngestService.fromEnvironment(System.getenv()));
    }

    /** Used by tests and the local stack. */
    public IngestHandler(IngestService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext.Scope request = LogContext.with(LogContext.REQUEST_ID, context == null ? null : context.getAwsRequestId())) {
            byte[] raw = input.readAllBytes();
            JsonNode tree = Json.MAPPER.readTree(raw);
            if (tree != null && "aws:sqs".equals(tree.path("Records").path(0).path("eventSource").asText())) {
                BATCH_RESPONSES.toJson(service.handle(SQS_EVENTS.fromJson(new ByteArrayInputStream(raw))), output);
                return;
            }
            // S3 or EventBridge delivered directly: a failure throws, and Lambda retries the event.
            List<Job> jobs = service.handleDirect(tree);
            Json.MAPPER.writeValue(output, Map.of("jobs", jobs.stream().map(j -> j.id().value()).toList()));
        }
    }
}
