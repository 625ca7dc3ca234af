package dev.efspipe.logging;

import dev.efspipe.config.TelemetryConfig;
import java.io.PrintStream;
import java.util.Objects;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up java.util.logging for a function, the same way in Lambda, the local stack and the CLI: one handler on
 * the root logger that writes each record as one line ({@link JsonLogFormatter} when
 * {@code AWS_LAMBDA_LOG_FORMAT=JSON}, else {@link TextLogFormatter}) to a stream, standard error by default.
 * It replaces the JDK's console handler (whose two-line format CloudWatch splits into two events) and any
 * handler an earlier call installed, so calling it again (two functions in one local stack) is harmless; the
 * last call's format wins, which is the same for every function of one process.
 */
public final class Logs {
    private Logs() {
    }

    /** Configures the root logger for {@code telemetry}, writing to standard error. */
    public static void configure(TelemetryConfig telemetry) {
        configure(telemetry, System.err);
    }

    /** Configures the root logger for {@code telemetry}, writing to {@code out}. */
    public static synchronized void configure(TelemetryConfig telemetry, PrintStream out) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof ConsoleHandler || handler instanceof LineHandler) {
                root.removeHandler(handler);
            }
        }
        root.addHandler(new LineHandler(out, telemetry.jsonLogs() ? new JsonLogFormatter() : new TextLogFormatter()));
    }

    /** Writes each formatted record with one call, so that lines of concurrent threads (and EMF lines) never mix. */
    static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out, Formatter formatter) {
            this.out = Objects.requireNonNull(out, "out");
            setFormatter(formatter);
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String line;
            try {
                line = getFormatter().format(record);
            } catch (RuntimeException e) {
                reportError("Could not format a log record", e, java.util.logging.ErrorManager.FORMAT_FAILURE);
                return;
            }
            out.print(line);
            out.flush();
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
