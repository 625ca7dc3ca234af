package dev.efspipe.processor.input;

import dev.efspipe.job.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceChannelTest {
    @TempDir
    Path dir;

    private Path file(int size) throws IOException {
        return Files.write(dir.resolve("upload.bin"), new byte[size]);
    }

    @Test
    void countsTheBytesReadAndReportsEachRead() throws IOException {
        List<long[]> reports = new ArrayList<>();
        try (SourceChannel channel = new SourceChannel(FileChannel.open(file(10_000)), 10_000, (done, total) -> reports.add(new long[] {done, total}))) {
            Channels.newInputStream(channel).readAllBytes();

            assertThat(channel.bytesRead()).isEqualTo(10_000);
        }
        assertThat(reports).isNotEmpty().last().isEqualTo(new long[] {10_000, 10_000});
    }

    @Test
    void turnsADecodersFailureIntoBadInputWhenTheSourceReadWell() throws IOException {
        try (SourceChannel channel = new SourceChannel(FileChannel.open(file(10)), 10, Progress.NONE)) {
            InputStream decoder = channel.sorted(failing(new EOFException()), "upload.gz", "GZIP");

            assertThatThrownBy(decoder::read)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("upload.gz: the GZIP data is corrupt or truncated: it ends early (EOFException)");
        }
    }

    @Test
    void keepsADecodersFailureTransientOnceTheSourceFailed() throws IOException {
        try (SourceChannel channel = new SourceChannel(new BrokenChannel(), 10, Progress.NONE)) {
            assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(10))).hasMessage("connection reset");
            InputStream decoder = channel.sorted(failing(new IOException("unexpected end")), "upload.gz", "GZIP");

            assertThatThrownBy(decoder::read)
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(InvalidInputException.class)
                    .hasMessage("unexpected end");
            assertThat(channel.failed()).isTrue();
        }
    }

    @Test
    void passesBadInputThroughUnchanged() throws IOException {
        InvalidInputException limit = new InvalidInputException("over a limit");
        try (SourceChannel channel = new SourceChannel(FileChannel.open(file(10)), 10, Progress.NONE)) {
            assertThat(channel.sort(limit, "upload.gz", "GZIP")).isSameAs(limit);
        }
    }

    private static InputStream failing(IOException e) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw e;
            }
        };
    }

    private static final class BrokenChannel extends ReadOnlyChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            throw new IOException("connection reset");
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            return this;
        }

        @Override
        public long size() {
            return 10;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
