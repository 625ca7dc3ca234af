package dev.efspipe.processor.input;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over another: position, size, open state and closing go to the wrapped channel, and
 * {@link #read} does too unless a subclass adds to it (progress, errors sorted, a failure injected in a test).
 */
public abstract class ForwardingReadOnlyChannel extends ReadOnlyChannel {
    protected final SeekableByteChannel channel;

    protected ForwardingReadOnlyChannel(SeekableByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
