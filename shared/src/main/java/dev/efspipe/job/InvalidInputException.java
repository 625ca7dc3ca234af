package dev.efspipe.job;

import java.io.IOException;

/**
 * The input can never be processed as it is (corrupt, unsupported, over a limit, hostile): a permanent
 * failure. The job is recorded under {@code failed/} and not retried. Every other {@link IOException}
 * is treated as transient and retried.
 */
public class InvalidInputException extends IOException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
