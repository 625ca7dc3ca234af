package dev.efspipe.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Lambda event source mapping for one SQS queue, run locally: up to {@code maxConcurrency} pollers
 * each receive up to {@code batchSize} messages, hand them to the function as one SQS event in Lambda's
 * JSON, and delete only the messages that succeeded.
 *
 * <p>The rules are Lambda's (with {@code ReportBatchItemFailures}): the response's
 * {@code batchItemFailures} name the messages to keep; an empty list deletes the whole batch; a function
 * error, or a failure naming a message id that is not in the batch, keeps the whole batch. Kept messages
 * reappear after the queue's visibility timeout, and after {@code maxReceiveCount} receives the queue's
 * redrive policy moves them to the dead-letter queue.
 */
final class QueuePoller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QueuePoller.class.getName());

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final LocalFunction function;
    private final int batchSize;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean running = true;

    QueuePoller(SqsClient sqs, String queueUrl, String queueArn, String region, LocalFunction function,
                int batchSize, int maxConcurrency) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.function = function;
        this.batchSize = batchSize;
        for (int i = 0; i < maxConcurrency; i++) {
            Thread t = new Thread(this::loop, function.name() + "-poller-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** No batch is being handled right now. */
    boolean idle() {
        return inFlight.get() == 0;
    }

    long batchesHandled() {
        return batches.get();
    }

    private void loop() {
        while (running) {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "Polling " + queueUrl + " failed: " + e.getMessage());
                    pause();
                }
            }
        }
    }

    /**
     * One receive (waiting up to a second) and, if it got messages, one invocation with them and the
     * deletes of those it handled: what each poller thread does in a loop. Returns how many messages the
     * batch had. Tests that step a pipeline one invocation at a time call it on a poller they never start.
     */
    int pollOnce() {
        List<Message> messages = sqs.receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .maxNumberOfMessages(batchSize)
                .waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")
                .build()).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        // Until the batch is handled its messages are in flight (not visible) on the queue as well.
        inFlight.incrementAndGet();
        try {
            handle(messages);
        } finally {
            inFlight.decrementAndGet();
        }
        return messages.size();
    }

    private void handle(List<Message> messages) {
        Set<String> keep;
        try {
            String response = function.invoke(event(messages));
            keep = failures(response, messages);
        } catch (Exception e) {
            LOG.log(Level.WARNING, function.name() + " failed on a batch of " + messages.size()
                    + "; every message in it will be retried: " + e, e);
            keep = null;
        }
        batches.incrementAndGet();
        if (keep == null) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
        for (Message m : messages) {
            if (!keep.contains(m.messageId())) {
                delete.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(delete.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!delete.isEmpty()) {
            var result = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(delete));
            if (!result.failed().isEmpty()) {
                LOG.warning("Could not delete " + result.failed().size() + " handled messages from " + queueUrl
                        + ": " + result.failed());
            }
        }
    }

    /** The ids to keep, or null when the response makes the whole batch a failure. */
    private static Set<String> failures(String response, List<Message> messages) throws IOException {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.messageId()));
        Set<String> keep = new HashSet<>();
        JsonNode tree = response.isBlank() ? null : Json.MAPPER.readTree(response);
        if (tree == null || !tree.has("batchItemFailures")) {
            return keep;
        }
        for (JsonNode f : tree.get("batchItemFailures")) {
            String id = f.path("itemIdentifier").asText("");
            if (!ids.contains(id)) {
                LOG.warning("batchItemFailures names '" + id + "', which is not in the batch: the whole batch is retried");
                return null;
            }
            keep.add(id);
        }
        return keep;
    }

    /** The SQS event exactly as Lambda delivers it. */
    private String event(List<Message> messages) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attrs = r.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : m.attributes().entrySet()) {
                attrs.put(a.getKey().toString(), a.getValue());
            }
            ObjectNode mattrs = r.putObject("messageAttributes");
            m.messageAttributes().forEach((name, v) -> {
                ObjectNode a = mattrs.putObject(name);
                a.put("stringValue", v.stringValue());
                a.putArray("stringListValues");
                a.putArray("binaryListValues");
                a.put("dataType", v.dataType());
            });
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return root.toString();
    }

    private void pause() {
        try {
            Thread.sleep(500); // back off after a failed receive; the loop re-checks `running`
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
