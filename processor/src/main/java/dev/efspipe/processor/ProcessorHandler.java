package dev.efspipe.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.efspipe.sqs.SqsBatch;

import java.util.function.LongSupplier;

/**
 * The processor Lambda: an adapter. Each SQS message of the process queue goes to {@link ProcessorService};
 * the messages it wants back (transient failures) make the partial batch response.
 */
public final class ProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final ProcessorService service;

    /** Used by the Lambda runtime: the service is built once per execution environment, from its environment. */
    public ProcessorHandler() {
        this(ProcessorService.fromEnvironment(System.getenv()));
    }

    /** Used by tests and the local stack. */
    public ProcessorHandler(ProcessorService service) {
        this.service = service;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        String requestId = context == null ? "local" : context.getAwsRequestId();
        LongSupplier remaining = context == null ? null : context::getRemainingTimeInMillis;
        service.beforeBatch();
        return SqsBatch.process(event, (id, body) -> service.handle(id, body, requestId, remaining));
    }
}
