package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import dev.efspipe.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The ingest function's configuration: both queues are required at start-up; the rules are read with one message format. */
class IngestConfigTest {
    private static final String QUEUE = "http://127.0.0.1:9324/000000000000/pipeline-process";
    private static final String DLQ = "http://127.0.0.1:9324/000000000000/pipeline-ingest-dlq";

    @Test
    void aFunctionWithoutItsDeadLetterQueueFailsAtStartUp() {
        Map<String, String> env = Map.of(IngestConfig.PROCESS_QUEUE_URL, QUEUE);

        assertThatIllegalArgumentException().isThrownBy(() -> IngestService.fromEnvironment(env))
                .withMessageStartingWith("PIPELINE_INGEST_DEAD_LETTER_QUEUE_URL is not set (in the environment)");
    }

    @Test
    void aFunctionWithoutTheProcessQueueFailsAtStartUp() {
        Map<String, String> env = Map.of(IngestConfig.DEAD_LETTER_QUEUE_URL, DLQ);

        assertThatIllegalArgumentException().isThrownBy(() -> IngestService.fromEnvironment(env))
                .withMessageStartingWith("PIPELINE_PROCESS_QUEUE_URL is not set (in the environment)");
    }

    @Test
    void readsTheRules() {
        IngestConfig config = IngestConfig.from(Settings.environment(Map.of(
                IngestConfig.PROCESS_QUEUE_URL, QUEUE, IngestConfig.DEAD_LETTER_QUEUE_URL, DLQ,
                IngestRules.ACCEPT_PREFIXES, "uploads/, incoming/", IngestRules.MAX_OBJECT_BYTES, "2000",
                IngestRules.RECORD_POINTERS, "api/=/data/items,api/v2/=/records")));

        assertThat(config.rules().acceptPrefixes()).isEqualTo(List.of("uploads/", "incoming/"));
        assertThat(config.rules().maxObjectBytes()).isEqualTo(2000);
        assertThat(config.rules().recordPointer("api/v2/x.json")).isEqualTo("/records");
        assertThat(config.rules().recordPointer("api/x.json")).isEqualTo("/data/items");
    }

    @Test
    void aRecordPointerWithoutSlashNamesTheVariableAndThePair() {
        Map<String, String> env = Map.of(IngestConfig.PROCESS_QUEUE_URL, QUEUE, IngestConfig.DEAD_LETTER_QUEUE_URL, DLQ,
                IngestRules.RECORD_POINTERS, "api/=data");

        assertThatIllegalArgumentException().isThrownBy(() -> IngestConfig.from(Settings.environment(env)))
                .withMessageStartingWith("PIPELINE_RECORD_POINTERS='api/=data' (from the environment) must give each prefix");
    }
}
