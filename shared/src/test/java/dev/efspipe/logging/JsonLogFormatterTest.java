package dev.efspipe.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.efspipe.config.TelemetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JSON log lines: one object per record, on one line, with the thread's context and exceptions as a field. */
class JsonLogFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @AfterEach
    void textLogsAgain() {
        Logs.configure(TelemetryConfig.quiet("test"));
    }

    private static LogRecord record(Level level, String message) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.efspipe.processor.ProcessorService");
        record.setInstant(Instant.parse("2026-12-01T20:15:02.412Z"));
        return record;
    }

    @Test
    void lineHasLambdasFieldsAndTheLogger() throws IOException {
        String line = formatter.format(record(Level.WARNING, "Job failed"));

        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("timestamp").asText()).isEqualTo("2026-12-01T20:15:02.412Z");
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("message").asText()).isEqualTo("Job failed");
        assertThat(json.path("logger").asText()).isEqualTo("dev.efspipe.processor.ProcessorService");
        assertThat(json.has("requestId")).as("no request outside a scope").isFalse();
    }

    @Test
    void contextFieldsAreAddedWhileTheirScopeLasts() throws IOException {
        try (LogContext.Scope request = LogContext.with(LogContext.REQUEST_ID, "req-1")) {
            try (LogContext.Scope job = LogContext.job("3f2a", "orders", "incoming/orders.zip")) {
                JsonNode json = JSON.readTree(formatter.format(record(Level.INFO, "Publishing")));
                assertThat(json.path("requestId").asText()).isEqualTo("req-1");
                assertThat(json.path("jobId").asText()).isEqualTo("3f2a");
                assertThat(json.path("dataset").asText()).isEqualTo("orders");
                assertThat(json.path("key").asText()).isEqualTo("incoming/orders.zip");
            }
            JsonNode afterJob = JSON.readTree(formatter.format(record(Level.INFO, "Next")));
            assertThat(afterJob.path("requestId").asText()).isEqualTo("req-1");
            assertThat(afterJob.has("jobId")).isFalse();
        }
        assertThat(LogContext.current()).isEmpty();
    }

    @Test
    void textFromInputIsEscapedAndCannotForgeAField() throws IOException {
        String key = "evil\n{\"level\":\"ERROR\"}\u0000\"},\"requestId\":\"forged";
        try (LogContext.Scope job = LogContext.job("j", "d", key)) {
            String line = formatter.format(record(Level.INFO, "Queued " + key));

            assertThat(line.strip()).doesNotContain("\n").doesNotContain("\u0000");
            JsonNode json = JSON.readTree(line);
            assertThat(json.path("key").asText()).isEqualTo(key);
            assertThat(json.path("message").asText()).isEqualTo("Queued " + key);
            assertThat(json.path("level").asText()).isEqualTo("INFO");
            assertThat(json.has("requestId")).isFalse();
        }
    }

    @Test
    void exceptionIsOneFieldWithItsTypeMessageAndStackTrace() throws IOException {
        LogRecord record = record(Level.SEVERE, "Could not queue");
        record.setThrown(new IOException("queue unavailable", new IllegalStateException("cause")));

        String line = formatter.format(record);

        assertThat(line.strip()).doesNotContain("\n");
        JsonNode exception = JSON.readTree(line).path("exception");
        assertThat(JSON.readTree(line).path("level").asText()).isEqualTo("ERROR");
        assertThat(exception.path("type").asText()).isEqualTo("java.io.IOException");
        assertThat(exception.path("message").asText()).isEqualTo("queue unavailable");
        assertThat(exception.path("stackTrace").asText())
                .startsWith("java.io.IOException: queue unavailable")
                .contains("\tat dev.efspipe.logging.JsonLogFormatterTest")
                .contains("Caused by: java.lang.IllegalStateException: cause");
    }

    @Test
    void configuredRootLoggerWritesJsonLinesWithTheJsonFormatAndTextOtherwise() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Logger logger = Logger.getLogger("dev.efspipe.logging.test");

        Logs.configure(new TelemetryConfig(true, true, "processor", false), out);
        logger.info("as JSON");
        Logs.configure(new TelemetryConfig(false, false, "processor", false), out);
        logger.info("as text");

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines[0]).path("message").asText()).isEqualTo("as JSON");
        assertThat(lines[1]).matches("\\d\\d:\\d\\d:\\d\\d INFO  test: as text");
    }
}
