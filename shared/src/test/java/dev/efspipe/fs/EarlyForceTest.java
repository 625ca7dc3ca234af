package dev.efspipe.fs;

import dev.efspipe.config.Permissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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

    @Test
    void shouldForceALargeFileWhileItIsWritten_oncePerStep_andOnceMoreWhenClosed() throws Exception {
        Path file = dir.resolve("large.bin");
        try (EarlyForce early = new EarlyForce(); Watched ch = new Watched(file)) {
            EarlyForce.Growing growing = early.track(ch, file);
            growing.wrote(EarlyForce.STEP - 1);
            growing.wrote(1);

            waitFor(() -> ch.dataForces.get() == 1); // while the file is still open and being written
            assertThat(ch.isOpen()).isTrue();
            assertThat(ch.fullForces.get()).isZero();

            growing.wrote(EarlyForce.STEP - 1); // not yet a step
            growing.close();
            early.await();

            assertThat(ch.dataForces.get()).isEqualTo(1);
            assertThat(ch.fullForces.get()).isEqualTo(1);
            assertThat(ch.isOpen()).isFalse();
        }
    }

    @Test
    void shouldOnlyCloseASmallFile_leavingItsFsyncToTheTree() throws Exception {
        Path file = dir.resolve("small.txt");
        try (EarlyForce early = new EarlyForce(); Watched ch = new Watched(file)) {
            EarlyForce.Growing growing = early.track(ch, file);
            growing.wrote(EarlyForce.SMALL - 1);
            growing.close();
            early.await();

            assertThat(ch.isOpen()).isFalse();
            assertThat(ch.dataForces.get() + ch.fullForces.get()).isZero();
        }
    }

    @Test
    void shouldFailAwaitNamingTheFile_whenAStepsForceFailed_evenThoughTheFinalForceSucceeded() throws Exception {
        Path file = dir.resolve("lost-in-the-middle.bin");
        try (EarlyForce early = new EarlyForce(); Watched ch = new Watched(file)) {
            ch.failNextForce.set(true); // as Linux reports a failed writeback once: the next fsync may succeed
            EarlyForce.Growing growing = early.track(ch, file);
            growing.wrote(EarlyForce.STEP);
            waitFor(() -> ch.dataForces.get() == 1);
            growing.close();

            assertThatThrownBy(early::await).isInstanceOf(IOException.class)
                    .hasMessageContaining("lost-in-the-middle.bin").hasMessageContaining("Input/output error");
            assertThat(ch.fullForces.get()).isEqualTo(1);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * A real file's channel that counts its forces and can fail the next one: a failing {@code fsync} cannot be
     * produced on a healthy local disk (it takes a failing device), so the failure is the one thing simulated here.
     */
    private static final class Watched extends FileChannel {
        final FileChannel real;
        final AtomicInteger dataForces = new AtomicInteger();
        final AtomicInteger fullForces = new AtomicInteger();
        final AtomicBoolean failNextForce = new AtomicBoolean();

        Watched(Path file) throws IOException {
            real = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            (metaData ? fullForces : dataForces).incrementAndGet();
            if (failNextForce.getAndSet(false)) {
                throw new IOException("Input/output error");
            }
            real.force(metaData);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return real.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }
    }
}
