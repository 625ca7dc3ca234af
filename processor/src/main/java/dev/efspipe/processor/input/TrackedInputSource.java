package dev.efspipe.processor.input;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.function.Supplier;

/**
 * A source whose channels report their reads to a {@link Progress}, a fresh one per channel from
 * {@code perChannel}; see {@link InputSource#withProgress} and {@link InputSource#counting}.
 */
record TrackedInputSource(InputSource source, Supplier<Progress> perChannel) implements InputSource {
    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public String fileName() {
        return source.fileName();
    }

    @Override
    public long size() throws IOException {
        return source.size();
    }

    @Override
    public boolean onEfs() {
        return source.onEfs();
    }

    @Override
    public SeekableByteChannel openChannel() throws IOException {
        return new SourceChannel(source.openChannel(), source.size(), perChannel.get());
    }
}
