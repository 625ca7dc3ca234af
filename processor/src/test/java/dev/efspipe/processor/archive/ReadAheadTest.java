package dev.efspipe.processor.archive;

import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackBudget;
import dev.efspipe.processor.limits.UnpackLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadTest {
    @TempDir
    Path dir;

    private static byte[] noise(int size) {
        byte[] bytes = new byte[size];
        new Random(11).nextBytes(bytes);
        return bytes;
    }

    @Test
    void handsOnEveryByteInOrder() throws IOException {
        byte[] data = noise(5 * ReadAhead.CHUNK + 123);
        try (ReadAhead ahead = new ReadAhead(); InputStream in = ahead.ahead(new ByteArrayInputStream(data))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void passesTheReadersFailureOnAsTheSameException() throws IOException {
        UnpackBudget budget = new UnpackBudget(UnpackLimits.builder().maxEntryBytes(100_000).build(), "upload.zip", () -> 1, "the archive's size");
        InputStream metered = budget.meter(new ByteArrayInputStream(new byte[300_000]), "big.bin", -1);
        try (ReadAhead ahead = new ReadAhead(); InputStream in = ahead.ahead(metered)) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("Entry 'big.bin' of upload.zip inflated past 100000 bytes");
        }
    }

    @Test
    void stopsReadingWhenClosedEarlyWithoutClosingTheChannelUnderIt() throws IOException {
        Path file = Files.write(dir.resolve("big.bin"), noise(64 * ReadAhead.CHUNK));
        AtomicInteger reads = new AtomicInteger();
        try (FileChannel channel = FileChannel.open(file); ReadAhead ahead = new ReadAhead()) {
            InputStream source = new FilterInputStream(Channels.newInputStream(channel)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    reads.incrementAndGet();
                    return super.read(b, off, len);
                }
            };
            InputStream in = ahead.ahead(source);
            in.readNBytes(10);

            in.close();
            int afterClose = reads.get();

            assertThat(channel.isOpen()).as("an interrupt would have closed the channel").isTrue();
            assertThat(channel.position()).isLessThan(Files.size(file));
            assertThat(reads.get()).as("the reader has stopped").isEqualTo(afterClose);
        }
    }
}
