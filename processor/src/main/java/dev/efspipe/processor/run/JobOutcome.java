package dev.efspipe.processor.run;

import dev.efspipe.job.JobId;
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
        /** Another processor holds a live claim: retry the message later. */
        BUSY,
        /** Bad input: recorded under failed/, not retried. */
        FAILED
    }

    /** Whether the message that carried the job may be deleted from the queue. */
    public boolean acknowledge() {
        return status != Status.BUSY;
    }
}
