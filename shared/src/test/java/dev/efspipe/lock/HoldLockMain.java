package dev.efspipe.lock;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link FileLocksTest}, a real second process rather than a second thread. Takes
 * the exclusive lock on {@code args[0]}, waiting at most {@code args[1]} milliseconds (default 10 s).
 * Prints {@code LOCKED} and holds the lock until its stdin is closed, or prints {@code TIMEOUT} and
 * exits with status 3 if the lock was not granted in time.
 */
public final class HoldLockMain {
    private HoldLockMain() {}

    public static void main(String[] args) throws Exception {
        Duration timeout = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 10_000);
        FileLocks.Held held;
        try {
            held = FileLocks.exclusive(Path.of(args[0]), timeout);
        } catch (LockTimeoutException e) {
            System.out.println("TIMEOUT");
            System.out.flush();
            System.exit(3);
            return;
        }
        try (held) {
            System.out.println("LOCKED");
            System.out.flush();
            InputStream in = System.in;
            while (in.read() != -1) {
                // Drain until the parent closes our stdin.
            }
        }
    }
}
