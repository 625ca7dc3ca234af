package dev.efspipe.processor.input;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * A source whose channels add every byte they read to a counter: how the processor measures what a job reads
 * from EFS (re-reads counted again, as EFS meters them). See {@link InputSource#counting}.
 */
record CountedInputSource(InputSource source, LongAdder counter) implements InputSource {
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
        long[] reported = {0};
        // Progress reports a channel's running total; the counter takes each increase (one reading thread per channel).
        return new SourceChannel(source.openChannel(), source.size(), (done, total) -> {
            counter.add(done - reported[0]);
            reported[0] = done;
        });
    }
}
