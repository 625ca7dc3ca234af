package dev.efspipe.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Plain text for a person at a terminal: one line per record, {@code 20:15:02 WARN ProcessorService [job 3f…]
 * message}, with the job id of the thread's {@link LogContext} when there is one, and an exception's stack trace
 * on the lines after it. Not for CloudWatch: there every line is an event of its own (use
 * {@link JsonLogFormatter}).
 */
public final class TextLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(128)
                .append(TIME.format(record.getInstant())).append(' ')
                .append(String.format("%-5s", JsonLogFormatter.level(record.getLevel()))).append(' ')
                .append(simpleName(record.getLoggerName())).append(": ");
        String job = LogContext.current().get(LogContext.JOB_ID);
        if (job != null) {
            line.append("[job ").append(job, 0, Math.min(12, job.length())).append("] ");
        }
        line.append(formatMessage(record)).append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String simpleName(String logger) {
        return logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1);
    }
}
