package dev.efspipe.ingest;

import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.io.IOException;
import java.util.Objects;

/** The process queue on SQS; the message body is the job as JSON. */
public final class SqsJobQueue implements JobQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsJobQueue(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "process queue URL (PIPELINE_PROCESS_QUEUE_URL)");
    }

    @Override
    public void send(Job job) throws IOException {
        try {
            sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .messageBody(Json.MAPPER.writeValueAsString(job))
                    .build());
        } catch (SdkException e) {
            throw new IOException("Could not send job " + job.id() + " to " + queueUrl + ": " + e.getMessage(), e);
        }
    }
}
