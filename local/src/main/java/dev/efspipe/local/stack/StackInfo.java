package dev.efspipe.local.stack;

import java.nio.file.Path;

/**
 * What a running local stack tells its clients; {@code ./pipeline up} writes it to
 * {@code <data>/stack.json} (with {@code apiEndpoint} when it serves the HTTP API) so that {@code ./pipeline invoke} (and people) can find it.
 */
public record StackInfo(String s3Endpoint, String sqsEndpoint, String region, String accessKeyId,
                        String secretAccessKey, String bucket, String ingestQueueUrl, String ingestDeadLetterQueueUrl,
                        String processQueueUrl, String processDeadLetterQueueUrl, Path efsDir, long pid,
                        String apiEndpoint) {
    /** The same stack with its HTTP API's endpoint ({@code null} when it serves none). */
    public StackInfo withApiEndpoint(String endpoint) {
        return new StackInfo(s3Endpoint, sqsEndpoint, region, accessKeyId, secretAccessKey, bucket, ingestQueueUrl,
                ingestDeadLetterQueueUrl, processQueueUrl, processDeadLetterQueueUrl, efsDir, pid, endpoint);
    }
}
