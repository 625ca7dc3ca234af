package dev.efspipe.lock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A file lock was not granted in time: another process holds it. Transient: the caller may retry later. */
public final class LockTimeoutException extends IOException {
    public LockTimeoutException(Path file, boolean shared, Duration waited) {
        super(String.format("Timed out after %d ms waiting for a%s lock on %s: another process holds it",
                waited.toMillis(), shared ? " shared" : "n exclusive", file));
    }
}
