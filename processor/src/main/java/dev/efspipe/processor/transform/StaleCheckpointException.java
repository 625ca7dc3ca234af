package dev.efspipe.processor.transform;

import java.io.IOException;

/**
 * A job continuing from a checkpoint cannot use the transform versions it began with (a plugin or reference
 * version was unpublished, or the configured chain changed): its output would mix two versions, so the job
 * starts over from its first record with the current ones.
 */
public final class StaleCheckpointException extends IOException {
    public StaleCheckpointException(String message) {
        super(message);
    }
}
