package dev.efspipe.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/** Collects dead-lettered messages: original message id to reason. */
final class RecordingDeadLetters implements DeadLetters {
    final Map<String, String> reasons = new LinkedHashMap<>();

    @Override
    public void send(String body, String reason, String originalMessageId) {
        reasons.put(originalMessageId, reason);
    }
}
