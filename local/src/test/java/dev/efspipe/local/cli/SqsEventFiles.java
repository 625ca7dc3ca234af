package dev.efspipe.local.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** SQS events of one message from the ingest queue, as Lambda delivers them, written to a file for {@code ./pipeline invoke}. */
final class SqsEventFiles {
    private SqsEventFiles() {
    }

    static Path write(Path file, String messageId, String body) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("messageId", messageId);
        r.put("receiptHandle", "rh");
        r.put("body", body);
        r.putObject("attributes").put("ApproximateReceiveCount", "1");
        r.putObject("messageAttributes");
        r.put("md5OfBody", "0");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:pipeline-ingest");
        r.put("awsRegion", "us-east-1");
        Files.writeString(file, root.toString());
        return file;
    }
}
