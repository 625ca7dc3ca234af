package dev.efspipe.processor.run;

import dev.efspipe.processor.archive.EntryNames;
import dev.efspipe.processor.archive.EntryWriter;
import dev.efspipe.processor.archive.TarUnpacker;
import dev.efspipe.processor.archive.ZipUnpacker;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.format.NameClaim;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.input.ProgressLog;
import dev.efspipe.processor.input.SourceChannel;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.Limit;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackBudget;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.MemoryLimitException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Locale;

/**
 * Reads one upload in a single pass and writes its records and files into the staging output. The format
 * comes from the first bytes, never from the name, and a name that claims another format is refused
 * ({@link NameClaim}: "named .zip but it starts like plain text"; a name that says JSON sends text to the
 * splitter, which says what is wrong with it and where):
 * <ul>
 *   <li>zip: unpacked through its central directory ({@link ZipUnpacker}), over the source's seekable channel;</li>
 *   <li>tar: unpacked as a stream ({@link TarUnpacker});</li>
 *   <li>gzip (multi-member, read to its end), bzip2, xz: decompressed on the fly; a tar inside is unpacked as a
 *       stream (tar.gz, tar.bz2, tar.xz), anything else is one entry named after the upload without its
 *       suffix, split into records if it is JSON and kept as a file otherwise;</li>
 *   <li>JSON: split into records; anything else: kept as one file.</li>
 * </ul>
 * Archives inside archives (a zip in a tar, a gzip in a gzip) are kept as files, never unpacked. What an
 * archive or a compressed stream expands to is held to the {@link UnpackLimits}; a plain upload is not
 * expanded and is only bounded by its own size. Progress is logged through {@link ProgressLog}.
 */
public final class ContentProcessor {
    private final JsonRecordSplitter splitter;
    private final UnpackLimits limits;
    private final ZipUnpacker zips;
    private final TarUnpacker tars;

    public ContentProcessor(JsonRecordSplitter splitter, UnpackLimits limits) {
        this.splitter = splitter;
        this.limits = limits;
        this.zips = new ZipUnpacker(splitter, limits);
        this.tars = new TarUnpacker(splitter, limits);
    }

    /** Processes {@code source} into {@code out}, detecting where JSON records are; returns the detected format. */
    public Format process(InputSource source, StagingOutput out) throws IOException {
        return process(source, null, out);
    }

    /**
     * Processes {@code source} into {@code out}; returns the detected format.
     *
     * @param recordPointer the job's JSON Pointer to the records of the upload's JSON document, or null to detect
     *                      them; it applies to the upload as a document (plain or compressed), not to the
     *                      entries of an archive, whose records are always detected
     */
    public Format process(InputSource source, String recordPointer, StagingOutput out) throws IOException {
        String where = source.describe();
        long size = source.size();
        ProgressLog log = new ProgressLog(where, out::records, ProgressLog.DEFAULT_INTERVAL_NANOS);
        try (SourceChannel channel = new SourceChannel(source.openChannel(), size, log)) {
            ByteBuffer head = ByteBuffer.allocate(Format.PEEK);
            try {
                while (head.hasRemaining() && channel.read(head) > 0) {
                    // read until the peek buffer is full or the input ends
                }
            } catch (IOException e) {
                throw channel.sort(e, where, "upload's");
            }
            Format detected = Format.detect(head.array(), head.position());
            NameClaim claim = NameClaim.of(source.fileName()).orElse(null);
            Format format = claim == null ? detected : claim.check(detected, head.array(), head.position(), where);
            channel.position(0);
            switch (format) {
                case ZIP -> zips.unpack(channel, where, out, ZipUnpacker.budgetFor(channel, where, limits));
                case TAR -> tars.unpack(stream(channel), channel, where, "tar", out, streamBudget(channel, where));
                case GZIP, BZIP2, XZ -> decompress(stream(channel), format, claim, source.fileName(), where, channel,
                        recordPointer, out);
                case JSON -> splitter.split(stream(channel), source.fileName(), recordPointer, out);
                case OTHER -> out.extract(EntryNames.safeRelative(source.fileName(), null, limits), stream(channel));
            }
            return format;
        }
    }

    private static InputStream stream(SourceChannel channel) {
        return new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
    }

    /** A stream's overall ratio divides by the bytes read from the upload so far. */
    private UnpackBudget streamBudget(SourceChannel channel, String where) {
        return new UnpackBudget(limits, where, channel::bytesRead, "read from the upload so far");
    }

    private void decompress(InputStream compressed, Format format, NameClaim claim, String fileName, String where,
                            SourceChannel channel, String recordPointer, StagingOutput out) throws IOException {
        InputStream raw;
        try {
            raw = switch (format) {
                case GZIP -> new GzipCompressorInputStream(compressed, true);
                case BZIP2 -> new BZip2CompressorInputStream(compressed, true);
                default -> new XZCompressorInputStream(compressed, true, (int) Math.min(Integer.MAX_VALUE, limits.maxXzMemoryKib().value()));
            };
        } catch (MemoryLimitException e) {
            throw xzMemory(e, where);
        } catch (IOException e) {
            throw channel.sort(e, where, format.name());
        }
        if (format == Format.XZ) {
            raw = new XzMemoryLimited(raw, where);
        }
        try (BufferedInputStream in = new BufferedInputStream(channel.sorted(raw, where, format.name()), 1 << 16)) {
            in.mark(Format.PEEK);
            byte[] head = in.readNBytes(Format.PEEK);
            in.reset();
            Format inner = Format.detect(head, head.length);
            if (claim != null) {
                inner = claim.checkDecompressed(inner, head, head.length, where);
            }
            UnpackBudget budget = streamBudget(channel, where);
            if (inner == Format.TAR) {
                tars.unpack(in, channel, where, "tar (in " + format + ")", out, budget);
                return;
            }
            // One compressed file: an entry named after the upload; an archive inside it is kept as it is.
            String name = strip(fileName, format);
            String safe = EntryNames.safeRelative(name, where, limits);
            budget.countEntry(name);
            try (EntryWriter writer = new EntryWriter(splitter, out, recordPointer)) {
                if (inner == Format.JSON) {
                    writer.writeJson(safe, budget.meter(in, name, -1)); // also where only the name says JSON: the splitter says why not
                } else {
                    writer.write(safe, budget.meter(in, name, -1));
                }
            }
        }
    }

    private LimitExceededException xzMemory(MemoryLimitException e, String where) {
        Limit limit = limits.maxXzMemoryKib();
        return new LimitExceededException(limit, where + ": the xz stream needs " + e.getMemoryNeededInKb()
                + " KiB of memory to decode (limit: " + limit.describe() + ")");
    }

    /** An xz stream asks for its decoder's memory in each block's header: a limit, not corruption. */
    private final class XzMemoryLimited extends FilterInputStream {
        private final String where;

        XzMemoryLimited(InputStream in, String where) {
            super(in);
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (MemoryLimitException e) {
                throw xzMemory(e, where);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (MemoryLimitException e) {
                throw xzMemory(e, where);
            }
        }
    }

    private static String strip(String name, Format format) {
        String lower = name.toLowerCase(Locale.ROOT);
        String[] suffixes = switch (format) {
            case GZIP -> new String[] {".gz", ".gzip"};
            case BZIP2 -> new String[] {".bz2", ".bzip2"};
            default -> new String[] {".xz"};
        };
        for (String suffix : suffixes) {
            if (lower.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name + ".out";
    }
}
