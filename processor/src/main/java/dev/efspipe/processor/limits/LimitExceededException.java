package dev.efspipe.processor.limits;

import dev.efspipe.job.InvalidInputException;

/**
 * An upload went over one of its {@link UnpackLimits}: a permanent failure, like any other bad input. The
 * message names the limit, its value and origin, the entry, and the bytes seen so far; {@link #limit()}
 * says which limit it was.
 */
public final class LimitExceededException extends InvalidInputException {
    private final transient Limit limit;

    public LimitExceededException(Limit limit, String message) {
        super(message);
        this.limit = limit;
    }

    public Limit limit() {
        return limit;
    }
}
