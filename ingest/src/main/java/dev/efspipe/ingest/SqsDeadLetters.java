package dev.efspipe.ingest;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.io.IOException;
import java.util.Map;

/**
 * The ingest queue's dead-letter queue, written to directly for permanent failures: the original body,
 * with the reason in the {@code reason} message attribute and the original message id in
 * {@code original-message-id}.
 */
public final class SqsDeadLetters implements DeadLetters {
    private static final int MAX_REASON = 4000;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(String body, String reason, String originalMessageId) throws IOException {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body == null || body.isEmpty() ? "(empty body)" : body)
                    .messageAttributes(Map.of(
                            "reason", MessageAttributeValue.builder().dataType("String").stringValue(shortReason).build(),
                            "original-message-id", MessageAttributeValue.builder().dataType("String")
                                    .stringValue(originalMessageId).build())));
        } catch (SdkException e) {
            throw new IOException("Could not dead-letter message " + originalMessageId + " to " + queueUrl + ": " + e.getMessage(), e);
        }
    }
}
