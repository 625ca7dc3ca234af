package dev.efspipe.processor.transform;

import dev.efspipe.job.InvalidInputException;

/**
 * A record transform failed on a record (it threw, or returned something that is not one JSON value), or
 * could not be set up for the job (unknown name, bad options, a jar that does not provide it): a permanent
 * failure of the job. The message names the transform, its version and, for a record, its index and source.
 */
public final class TransformFailedException extends InvalidInputException {
    public TransformFailedException(String message) {
        super(message);
    }

    public TransformFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
