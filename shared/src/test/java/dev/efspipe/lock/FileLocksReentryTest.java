package dev.efspipe.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regression: a second lock on the same file from the thread that holds it used to open a second channel,
 * fail with OverlappingFileLockException, and close that channel, which released the process's POSIX lock,
 * so another process got the lock the first holder still believed it held.
 */
class FileLocksReentryTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseANestedLockFromTheHoldingThread_withoutDroppingTheOuterLock() throws Exception {
        Path lockFile = dir.resolve("nested.lock");
        try (var outer = FileLocks.exclusive(lockFile, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> FileLocks.shared(lockFile, Duration.ofMillis(100)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already holds");

            Process child = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    HoldLockMain.class.getName(), lockFile.toString(), "200")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).get(30, TimeUnit.SECONDS);

                assertThat(first).as("the other process must still be locked out").isEqualTo("TIMEOUT");
            } finally {
                child.getOutputStream().close();
                child.destroyForcibly();
            }
        }
    }
}
