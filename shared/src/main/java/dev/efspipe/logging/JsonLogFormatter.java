package dev.efspipe.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object per log record, on one line:
 *
 * <pre>{@code
 * {"timestamp":"2026-12-01T20:15:02.412Z","level":"WARN","message":"Job 3f… failed, will be retried",
 *  "logger":"dev.efspipe.processor.ProcessorService","requestId":"c0ffee…","jobId":"3f…","dataset":"orders",
 *  "key":"incoming/orders.zip","exception":{"type":"java.io.IOException","message":"…","stackTrace":"java.io.IOException: …\n\tat …"}}
 * }</pre>
 *
 * The fields Lambda's own JSON format uses ({@code timestamp}, {@code level} as TRACE/DEBUG/INFO/WARN/ERROR,
 * {@code message}, {@code requestId}), then the logger and the thread's {@link LogContext}. Everything, the
 * message and the stack trace included, goes through JSON string encoding: text that came from an upload
 * (a key, an entry name) cannot break the line or forge a field. An exception is one field, never raw lines.
 * The line ends with a newline.
 */
public final class JsonLogFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format(LogRecord record) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("timestamp", Instant.ofEpochMilli(record.getMillis()).toString());
            json.writeStringField("level", level(record.getLevel()));
            json.writeStringField("message", formatMessage(record));
            json.writeStringField("logger", record.getLoggerName());
            for (Map.Entry<String, String> field : LogContext.current().entrySet()) {
                json.writeStringField(field.getKey(), field.getValue());
            }
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                json.writeObjectFieldStart("exception");
                json.writeStringField("type", thrown.getClass().getName());
                json.writeStringField("message", String.valueOf(thrown.getMessage()));
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                json.writeStringField("stackTrace", trace.toString().stripTrailing());
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to a string cannot fail", e);
        }
        return text.append('\n').toString();
    }

    /** java.util.logging's levels as Lambda names them. */
    static String level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        if (value >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }
}
