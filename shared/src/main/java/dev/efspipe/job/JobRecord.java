package dev.efspipe.job;

import dev.efspipe.layout.JobId;
import dev.efspipe.layout.Version;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of one job on EFS ({@code jobs/<ab>/<jobId>.json}), changed only under the shard's lock and
 * always replaced atomically.
 *
 * @param job        the job as first claimed
 * @param state      where it is
 * @param owner      the processor that holds (or last held) the claim
 * @param leaseUntil the claim is the owner's until then; after it, another processor may take the job over
 * @param version    the version this job publishes, fixed at the first claim so a re-run publishes the same one
 * @param attempts   how many times the job was claimed (1 for a job that ran once)
 * @param updatedAt  the last change
 * @param reason     why it failed (FAILED only)
 */
public record JobRecord(Job job, State state, String owner, Instant leaseUntil, Version version,
                        int attempts, Instant updatedAt, String reason) {
    /**
     * CLAIMED: an owner works on it (while its lease lives). SUSPENDED: it stopped at a checkpoint and a
     * continuation message is on its way; the next claim resumes it. PUBLISHED and FAILED are final.
     */
    public enum State { CLAIMED, SUSPENDED, PUBLISHED, FAILED }

    public JobRecord {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public JobId id() {
        return job.id();
    }

    public boolean leaseLiveAt(Instant now) {
        return state == State.CLAIMED && now.isBefore(leaseUntil);
    }

    JobRecord with(State newState, String newOwner, Instant newLease, int newAttempts, Instant now, String newReason) {
        return new JobRecord(job, newState, newOwner, newLease, version, newAttempts, now, newReason);
    }
}
