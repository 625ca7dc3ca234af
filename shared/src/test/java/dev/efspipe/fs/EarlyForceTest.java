package dev.efspipe.fs;

import dev.efspipe.config.Permissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EarlyForceTest {
    @TempDir
    Path dir;

    private final DurableFiles files = new DurableFiles(Permissions.DEFAULT);

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void shouldLeaveEveryFileWrittenAndItsDescriptorClosed_whenAwaitReturns() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd to count descriptors");
        int n = EarlyForce.PENDING * 3;
        long before = openDescriptors();
        try (EarlyForce early = new EarlyForce()) {
            for (int i = 0; i < n; i++) {
                try (OutputStream out = files.createFile(dir.resolve("f" + i), early)) {
                    out.write(("file " + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            early.await();

            assertThat(openDescriptors()).isLessThanOrEqualTo(before + EarlyForce.THREADS); // the threads' own, if any
            for (int i = 0; i < n; i++) {
                assertThat(Files.readString(dir.resolve("f" + i))).isEqualTo("file " + i);
            }
        }
    }

    @Test
    void shouldThrowTheFirstFailureNamingItsFile_fromAwait() throws IOException {
        Path file = Files.writeString(dir.resolve("victim.bin"), "x");
        FileChannel closed = FileChannel.open(file, StandardOpenOption.READ);
        closed.close(); // its force fails
        try (EarlyForce early = new EarlyForce()) {
            early.forceAndClose(closed, file);

            assertThatThrownBy(early::await).isInstanceOf(IOException.class).hasMessageContaining("victim.bin");
        }
    }
}
