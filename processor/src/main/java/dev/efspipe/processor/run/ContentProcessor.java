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
import java.io.FilterInputStream;
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
                    SourceReads reads = new SourceReads(Channels.newInputStream(channel));
                    InputStream in = new BufferedInputStream(reads, 1 << 16);
                    processStream(in, format, source.fileName(), source.describe(), reads, out);
                }
                case TAR, XZ -> throw new InvalidInputException(source.describe() + ": " + format
                        + " input is recognised but not read by this build");
            }
            return format;
        }
    }

    private void processStream(InputStream in, Format format, String fileName, String where, SourceReads reads,
                               StagingOutput out) throws IOException {
        switch (format) {
            case GZIP, BZIP2 -> decompressed(in, format, strip(fileName, format == Format.GZIP ? ".gz" : ".bz2"), where, reads, out);
            case JSON -> splitter.split(in, fileName, out);
            default -> out.extract(EntryNames.safeRelative(fileName), in);
        }
    }

    private void decompressed(InputStream compressed, Format format, String innerName, String where, SourceReads reads,
                              StagingOutput out) throws IOException {
        InputStream raw;
        try {
            raw = format == Format.GZIP
                    ? new GzipCompressorInputStream(compressed, true)
                    : new BZip2CompressorInputStream(compressed, true);
        } catch (IOException e) {
            throw reads.sort(e, format, where);
        }
        try (BufferedInputStream in = new BufferedInputStream(new Decoded(raw, reads, format, where), 1 << 16)) {
            Format inner = Format.detect(in);
            if (inner == Format.JSON || inner == Format.OTHER) {
                processStream(in, inner, innerName, where, reads, out);
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

    /**
     * The source as read by a decompressor. A decompressor throws a plain {@link IOException} both when the
     * source fails to read (transient: retry) and when the compressed data is corrupt or cut short (permanent);
     * this stream remembers whether the source failed, so the two can be told apart.
     */
    private static final class SourceReads extends FilterInputStream {
        private boolean failed;

        SourceReads(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        /** A decompressor's failure: permanent unless the source itself failed to read. */
        IOException sort(IOException e, Format format, String where) {
            if (failed || e instanceof InvalidInputException) {
                return e;
            }
            return new InvalidInputException(where + ": the " + format + " data is corrupt or truncated: "
                    + (e.getMessage() != null ? e.getMessage() : "it ends early (" + e.getClass().getSimpleName() + ")"), e);
        }
    }

    /** A decompressor's output; its read failures are sorted by {@link SourceReads#sort}. */
    private static final class Decoded extends FilterInputStream {
        private final SourceReads reads;
        private final Format format;
        private final String where;

        Decoded(InputStream decompressor, SourceReads reads, Format format, String where) {
            super(decompressor);
            this.reads = reads;
            this.format = format;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw reads.sort(e, format, where);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw reads.sort(e, format, where);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw reads.sort(e, format, where);
            }
        }
    }
}
