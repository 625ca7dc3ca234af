package dev.efspipe.job;

import java.io.IOException;

/** The claim this processor worked under now belongs to another: it must stop and publish nothing. */
public final class ClaimLostException extends IOException {
    public ClaimLostException(JobId id, String me, String owner) {
        super("Job " + id + ": the claim of " + me + " was taken over by " + owner + " after its lease expired");
    }
}
