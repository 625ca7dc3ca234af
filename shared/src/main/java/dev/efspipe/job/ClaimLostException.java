package dev.efspipe.job;

import dev.efspipe.layout.JobId;

import java.io.IOException;

/** The claim this processor worked under now belongs to another: it must stop and publish nothing. */
public final class ClaimLostException extends IOException {
    public ClaimLostException(JobId id, String me, String now) {
        super("Job " + id + ": " + me + " no longer holds the claim (its lease ran out); the job is now " + now);
    }
}
