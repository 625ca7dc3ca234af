package dev.efspipe.local.stack;

import java.nio.file.Path;

/**
 * What a running local stack tells its clients; {@code ./pipeline up} writes it to
 * {@code <data>/stack.json} so that {@code ./pipeline invoke} (and people) can find it.
 */
public record StackInfo(String s3Endpoint, String sqsEndpoint, String region, String accessKeyId,
                        String secretAccessKey, String bucket, String ingestQueueUrl, String ingestDeadLetterQueueUrl,
                        String processQueueUrl, String processDeadLetterQueueUrl, Path efsDir, long pid) {
}
