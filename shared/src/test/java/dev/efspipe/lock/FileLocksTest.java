package dev.efspipe.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileLocksTest {
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration GENEROUS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void shouldTimeOut_whenAnotherThreadHoldsTheExclusiveLock() throws Exception {
        Path lockFile = dir.resolve("a.lock");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (var held = FileLocks.exclusive(lockFile, GENEROUS)) {
            long start = System.nanoTime();
            Future<FileLocks.Held> attempt = other.submit(() -> FileLocks.exclusive(lockFile, SHORT));

            assertThatThrownBy(() -> attempt.get(GENEROUS.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining(lockFile.toString())
                    .hasMessageContaining("exclusive");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void shouldGrantTheLockToAWaitingThread_whenTheHolderReleasesIt() throws Exception {
        Path lockFile = dir.resolve("a.lock");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            var held = FileLocks.exclusive(lockFile, GENEROUS);
            CountDownLatch waiting = new CountDownLatch(1);
            Future<Path> attempt = other.submit(() -> {
                waiting.countDown();
                try (var second = FileLocks.exclusive(lockFile, GENEROUS)) {
                    return second.file();
                }
            });
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

            held.close();

            assertThat(attempt.get(GENEROUS.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(lockFile.toAbsolutePath());
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void shouldGrantTheLockAgain_afterRelease() throws Exception {
        Path lockFile = dir.resolve("a.lock");
        FileLocks.exclusive(lockFile, GENEROUS).close();

        try (var again = FileLocks.exclusive(lockFile, SHORT)) {
            assertThat(again.file()).isEqualTo(lockFile.toAbsolutePath());
        }
    }

    @Test
    void shouldTolerateClosingAHeldLockTwice() throws Exception {
        Path lockFile = dir.resolve("a.lock");
        var held = FileLocks.exclusive(lockFile, GENEROUS);
        held.close();
        held.close();

        // A second close must not unlock the in-process lock a second time (it would throw) nor free another holder.
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try (var h = FileLocks.exclusive(lockFile, SHORT)) {
                assertThat(h.file()).isEqualTo(lockFile.toAbsolutePath());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldExcludeAnotherProcess_untilItReleasesTheLock() throws Exception {
        Path lockFile = dir.resolve("cross-process.lock");
        Process child = startHolder(lockFile, GENEROUS);
        try {
            assertThat(firstLine(child)).isEqualTo("LOCKED");

            assertThatThrownBy(() -> FileLocks.exclusive(lockFile, SHORT))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("another process holds it");
            assertThatThrownBy(() -> FileLocks.shared(lockFile, SHORT))
                    .isInstanceOf(LockTimeoutException.class);

            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
            assertThat(child.exitValue()).isZero();

            try (var held = FileLocks.exclusive(lockFile, SHORT)) {
                assertThat(held.file()).isEqualTo(lockFile.toAbsolutePath());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldKeepAnotherProcessOut_whileThisProcessHoldsTheLock() throws Exception {
        Path lockFile = dir.resolve("cross-process.lock");
        try (var held = FileLocks.exclusive(lockFile, SHORT)) {
            Process child = startHolder(lockFile, SHORT);
            try {
                assertThat(firstLine(child)).isEqualTo("TIMEOUT");
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
                assertThat(child.exitValue()).isEqualTo(3);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** Starts {@link HoldLockMain} in a child JVM with this JVM's class path. */
    private static Process startHolder(Path lockFile, Duration timeout) throws Exception {
        return new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                HoldLockMain.class.getName(), lockFile.toString(), Long.toString(timeout.toMillis()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** The child's first line of output; bounded, so a child that never answers fails the test instead of hanging it. */
    private static String firstLine(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }
}
