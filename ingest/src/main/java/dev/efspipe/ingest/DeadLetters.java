package dev.efspipe.ingest;

import java.io.IOException;

/** Where ingest puts messages that can never succeed, with the reason, instead of retrying them. */
public interface DeadLetters {
    /** Stores {@code body} with {@code reason}; an {@link IOException} is transient (the message is retried). */
    void send(String body, String reason, String originalMessageId) throws IOException;
}
