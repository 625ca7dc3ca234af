package dev.efspipe.local.stack;

import java.time.Duration;
import java.time.Instant;

/**
 * The event source mappings of a stack started without pollers, run one invocation at a time by a test:
 * the same receive, event and delete steps as the running pollers, on the real queues, so a test can stop
 * the pipeline between two invocations (a job suspended at a checkpoint stays suspended until the test
 * hands the processor its continuation).
 */
public final class SteppedPollers {
    private final QueuePoller ingest;
    private final QueuePoller processor;

    public SteppedPollers(LocalStack stack) {
        StackInfo info = stack.info();
        this.ingest = new QueuePoller(stack.sqs(), info.ingestQueueUrl(), arn(info.ingestQueueUrl()), LocalStack.REGION,
                stack.functions().get("ingest"), 10, 1);
        this.processor = new QueuePoller(stack.sqs(), info.processQueueUrl(), arn(info.processQueueUrl()), LocalStack.REGION,
                stack.functions().get("processor"), 1, 1);
    }

    /** Invokes ingest once with the next batch on its queue; fails if none arrives within the timeout. */
    public int ingestOnce(Duration timeout) {
        return once(ingest, timeout, "ingest");
    }

    /** Invokes the processor once with the next message on its queue; fails if none arrives within the timeout. */
    public int processOnce(Duration timeout) {
        return once(processor, timeout, "processor");
    }

    private static int once(QueuePoller poller, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            int handled = poller.pollOnce();
            if (handled > 0) {
                return handled;
            }
        }
        throw new AssertionError("No message for " + what + " within " + timeout.toSeconds() + " s");
    }

    private static String arn(String queueUrl) {
        return "arn:aws:sqs:" + LocalStack.REGION + ":000000000000:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }
}
