package dev.efspipe.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one SQS batch loop of the functions: each message is handled on its own, and one message never fails
 * the batch. A message whose handler says {@link Result#RETRY}, or throws, is reported in the partial batch
 * response (and comes back after the visibility timeout); every other message is acknowledged.
 *
 * <p>The event classes come from {@code aws-lambda-java-events} (plain Java beans, not the Lambda runtime),
 * an optional dependency of {@code shared}: the two functions declare it anyway, and readers of published
 * outputs never load this class.
 */
public final class SqsBatch {
    private static final Logger LOG = Logger.getLogger(SqsBatch.class.getName());

    /** What becomes of one message. */
    public enum Result {
        /** Done (or never doable): delete it from the queue. */
        ACK,
        /** A transient failure: leave it on the queue, so it comes back. */
        RETRY
    }

    /** Handles one message; a thrown exception counts as {@link Result#RETRY}. */
    @FunctionalInterface
    public interface MessageHandler {
        Result handle(String messageId, String body) throws IOException;
    }

    private SqsBatch() {}

    /** Handles every message of {@code event} and answers with the ones to retry. */
    public static SQSBatchResponse process(SQSEvent event, MessageHandler handler) {
        List<SQSBatchResponse.BatchItemFailure> retry = new ArrayList<>();
        List<SQSEvent.SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : messages) {
            Result result;
            try {
                result = handler.handle(message.getMessageId(), message.getBody());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Message " + message.getMessageId() + " will be retried: " + e, e);
                result = Result.RETRY;
            }
            if (result == Result.RETRY) {
                retry.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(retry);
    }
}
