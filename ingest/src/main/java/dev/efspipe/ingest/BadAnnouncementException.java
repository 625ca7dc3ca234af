package dev.efspipe.ingest;

import java.io.IOException;

/**
 * A message that can never become a job (not JSON, not an upload announcement, a missing or invalid
 * field): a permanent failure. It goes to the dead-letter queue with this message as the reason and is
 * not retried.
 */
public final class BadAnnouncementException extends IOException {
    public BadAnnouncementException(String message) {
        super(message);
    }

    public BadAnnouncementException(String message, Throwable cause) {
        super(message, cause);
    }
}
