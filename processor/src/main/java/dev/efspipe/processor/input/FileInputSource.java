package dev.efspipe.processor.input;

import dev.efspipe.text.Printable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file on local disk or EFS. */
public record FileInputSource(Path file) implements InputSource {
    @Override
    public String describe() {
        return Printable.escape(file.toString());
    }

    @Override
    public String fileName() {
        return file.getFileName().toString();
    }

    @Override
    public long size() throws IOException {
        return Files.size(file);
    }

    @Override
    public SeekableByteChannel openChannel() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }
}
