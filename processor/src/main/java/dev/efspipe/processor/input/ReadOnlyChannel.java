package dev.efspipe.processor.input;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A {@link SeekableByteChannel} that can only be read: writing and truncating throw
 * {@link NonWritableChannelException}, as a channel opened for reading does. Subclasses give the reading half.
 */
public abstract class ReadOnlyChannel implements SeekableByteChannel {
    @Override
    public final int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public final SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }
}
