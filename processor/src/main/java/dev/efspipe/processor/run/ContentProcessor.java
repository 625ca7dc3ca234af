package dev.efspipe.processor.run;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.processor.archive.EntryNames;
import dev.efspipe.processor.archive.ZipUnpacker;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;

/**
 * Reads one upload in a single pass and writes its records and files into the staging output. The
 * format comes from the first bytes: a zip is unpacked through its central directory; a gzip or bzip2
 * stream is decompressed on the fly (multi-member gzip read to its end) and its content handled like
 * an upload of its own; a JSON document is split into records; anything else is kept as one file.
 */
public final class ContentProcessor {
    private final JsonRecordSplitter splitter;
    private final ZipUnpacker zips;

    public ContentProcessor(JsonRecordSplitter splitter, ZipUnpacker zips) {
        this.splitter = splitter;
        this.zips = zips;
    }

    /** Processes {@code source} into {@code out}; returns the detected format. */
    public Format process(InputSource source, StagingOutput out) throws IOException {
        try (SeekableByteChannel channel = source.openChannel()) {
            ByteBuffer head = ByteBuffer.allocate(Format.PEEK);
            while (head.hasRemaining() && channel.read(head) > 0) {
                // read until the peek buffer is full or the input ends
            }
            Format format = Format.detect(head.array(), head.position());
            channel.position(0);
            switch (format) {
                case ZIP -> zips.unpack(channel, source.describe(), out);
                case GZIP, BZIP2, JSON, OTHER -> {
                    InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
                    processStream(in, format, source.fileName(), source.describe(), out);
                }
                case TAR, XZ -> throw new InvalidInputException(source.describe() + ": " + format
                        + " input is recognised but not read by this build");
            }
            return format;
        }
    }

    private void processStream(InputStream in, Format format, String fileName, String where, StagingOutput out)
            throws IOException {
        switch (format) {
            case GZIP -> decompressed(new GzipCompressorInputStream(in, true), strip(fileName, ".gz"), where, out);
            case BZIP2 -> decompressed(new BZip2CompressorInputStream(in, true), strip(fileName, ".bz2"), where, out);
            case JSON -> splitter.split(in, fileName, out);
            default -> out.extract(EntryNames.safeRelative(fileName), in);
        }
    }

    private void decompressed(InputStream raw, String innerName, String where, StagingOutput out) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
            Format inner = Format.detect(in);
            if (inner == Format.JSON || inner == Format.OTHER) {
                processStream(in, inner, innerName, where, out);
            } else {
                throw new InvalidInputException(where + ": a compressed " + inner
                        + " inside a compressed stream is not read by this build");
            }
        }
    }

    private static String strip(String name, String suffix) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(suffix) && name.length() > suffix.length()
                ? name.substring(0, name.length() - suffix.length())
                : name + ".out";
    }
}
