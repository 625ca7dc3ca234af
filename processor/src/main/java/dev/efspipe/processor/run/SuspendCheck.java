package dev.efspipe.processor.run;

/**
 * Whether a job should stop at the next clean boundary (a closed part, an extracted file), save a
 * checkpoint and continue in a new invocation: the invocation's time is running out, or it wrote as
 * much as it is allowed to in one go. {@link dev.efspipe.processor.config.SuspendRule} says when.
 */
@FunctionalInterface
public interface SuspendCheck {
    SuspendCheck NEVER = bytesWritten -> false;

    /** @param bytesWritten output bytes written in this invocation so far */
    boolean due(long bytesWritten);
}
