package dev.efspipe.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the current thread is working on, for every log line it writes: the invocation's request id and, while
 * a job is handled, its job id, dataset and key. Set by the functions' adapters and services with
 * try-with-resources, so that a scope always ends:
 *
 * <pre>{@code
 * try (LogContext.Scope request = LogContext.with(LogContext.REQUEST_ID, context.getAwsRequestId())) {
 *     ...
 *     try (LogContext.Scope job = LogContext.job(job.id().value(), job.dataset().value(), job.source().key())) { ... }
 * }
 * }</pre>
 *
 * A scope restores exactly what was there before it, so scopes nest. Other threads do not inherit the context:
 * code that hands work to another thread and wants its lines attributed captures {@link #current()} and
 * {@link #restore}s it there.
 */
public final class LogContext {
    public static final String REQUEST_ID = "requestId";
    public static final String JOB_ID = "jobId";
    public static final String DATASET = "dataset";
    public static final String KEY = "key";

    private static final ThreadLocal<Map<String, String>> CURRENT = ThreadLocal.withInitial(LinkedHashMap::new);

    private LogContext() {
    }

    /** Ends a scope: the fields it set are put back as they were. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Sets one field (a null or empty value removes it) until the scope is closed. */
    public static Scope with(String name, String value) {
        Map<String, String> map = CURRENT.get();
        Map<String, String> before = new LinkedHashMap<>(map);
        if (value == null || value.isEmpty()) {
            map.remove(name);
        } else {
            map.put(name, value);
        }
        return () -> reset(before);
    }

    /** A job's fields: job id, dataset, key (null ones are left out). */
    public static Scope job(String jobId, String dataset, String key) {
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, JOB_ID, jobId);
        put(fields, DATASET, dataset);
        put(fields, KEY, key);
        return restore(fields);
    }

    /** A copy of the current thread's fields, in the order they were set. */
    public static Map<String, String> current() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(CURRENT.get()));
    }

    /** Adds {@code fields} (another thread's {@link #current()}) to this thread's until the scope is closed. */
    public static Scope restore(Map<String, String> fields) {
        Map<String, String> map = CURRENT.get();
        Map<String, String> before = new LinkedHashMap<>(map);
        map.putAll(fields);
        return () -> reset(before);
    }

    private static void reset(Map<String, String> before) {
        Map<String, String> now = CURRENT.get();
        now.clear();
        now.putAll(before);
    }

    private static void put(Map<String, String> fields, String name, String value) {
        if (value != null && !value.isEmpty()) {
            fields.put(name, value);
        }
    }
}
