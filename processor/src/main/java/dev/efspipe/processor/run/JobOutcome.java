package dev.efspipe.processor.run;

import dev.efspipe.layout.JobId;
import dev.efspipe.manifest.Manifest;

/**
 * What became of one job.
 *
 * @param status   the result
 * @param jobId    the job
 * @param manifest the published manifest (PUBLISHED, DUPLICATE of a published job)
 * @param detail   a sentence for logs: the failure reason, who holds the lease, …
 */
public record JobOutcome(Status status, JobId jobId, Manifest manifest, String detail) {
    public enum Status {
        /** This run published the version. */
        PUBLISHED,
        /** The job had been published (or failed) before: nothing done, acknowledge the message. */
        DUPLICATE,
        /**
         * Another processor holds a live claim. Acknowledge: the owner's own message stays on the queue until
         * the owner finishes, and comes back for a takeover if the owner dies (the visibility timeout is longer
         * than the lease), so a second copy would only bounce towards the dead-letter queue.
         */
        BUSY,
        /** Bad input: recorded under failed/, not retried. */
        FAILED,
        /**
         * Stopped at a checkpoint before the invocation ran out: the caller sends a continuation (the same
         * job) to the process queue, and the next run resumes.
         */
        SUSPENDED
    }
}
