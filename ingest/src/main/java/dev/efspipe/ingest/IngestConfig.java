package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.Settings;
import dev.efspipe.config.TelemetryConfig;

import java.util.Objects;

/**
 * Everything the ingest function reads from its environment, read by {@link Settings} in
 * {@link #from(Settings)}. Both queues are required: a function that cannot queue jobs, or that would drop
 * bad announcements, fails at start-up instead of at its first message.
 *
 * @param clients            region and endpoint override of the SQS client
 * @param processQueueUrl    where jobs go
 * @param deadLetterQueueUrl the ingest queue's dead-letter queue: announcements that can never succeed, with the reason
 * @param rules              which uploads become jobs, and how their JSON is read
 * @param telemetry          log format and metrics
 */
public record IngestConfig(ClientConfig clients, String processQueueUrl, String deadLetterQueueUrl, IngestRules rules,
                           TelemetryConfig telemetry) {
    public static final String PROCESS_QUEUE_URL = ClientConfig.PROCESS_QUEUE_URL;
    public static final String DEAD_LETTER_QUEUE_URL = "PIPELINE_INGEST_DEAD_LETTER_QUEUE_URL";

    public IngestConfig {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(processQueueUrl, "processQueueUrl");
        Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(telemetry, "telemetry");
    }

    public static IngestConfig from(Settings settings) {
        return new IngestConfig(ClientConfig.from(settings),
                settings.required(PROCESS_QUEUE_URL, "ingest sends the jobs there"),
                settings.required(DEAD_LETTER_QUEUE_URL, "ingest sends announcements that can never succeed there, with the reason"),
                IngestRules.from(settings), TelemetryConfig.from(settings, "ingest"));
    }
}
