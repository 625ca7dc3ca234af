package dev.efspipe.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one poll-until-deadline loop of the tests: checks a condition until it holds, and fails with what was
 * awaited once the deadline passes. Waiting on a condition, never a fixed sleep.
 */
public final class Await {
    /** A condition that may do I/O, or fail the test itself (an assertion on a child process). */
    @FunctionalInterface
    public interface Condition {
        boolean met() throws Exception;
    }

    private Await() {}

    /**
     * Polls {@code condition} every {@code every} (spinning if zero) until it holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
     */
    public static void until(String what, Duration timeout, Duration every, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            if (every.isZero()) {
                Thread.onSpinWait();
            } else {
                Thread.sleep(every.toMillis());
            }
        }
    }

    /** Waits until a child process's log contains {@code marker}; fails early, with the log, if the child dies. */
    public static void untilLogSays(Process child, Path log, String marker, Duration timeout) throws Exception {
        until("'" + marker + "' in " + log, timeout, Duration.ofMillis(5), () -> {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains(marker)) {
                return true;
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child died before writing '" + marker + "' to " + log + "; log:\n" + text);
            }
            return false;
        });
    }
}
