package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.input.Progress;
import dev.efspipe.processor.input.SourceChannel;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.Limit;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackBudget;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Collections;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Unpacks a zip archive entry by entry, read through its central directory (the truth about what the
 * archive holds) over a {@link SeekableByteChannel}: a file channel on disk or EFS, or ranged GETs on an S3
 * object, so the archive is never copied whole first. Zip64 archives (over 4 GB, over 65,535 entries) are
 * read like any other. A zip is never read by streaming its local headers: entries missing from the
 * directory, STORED entries with data descriptors and prepended data all mislead a streaming reader.
 *
 * <p>Entries are read in the order their data sits in the archive, so a read moves forward only. For each:
 * <ul>
 *   <li>the entry counts against {@link UnpackLimits#maxEntries()} (the central directory is counted before
 *       commons-compress loads it, so a directory of millions of entries cannot exhaust memory);</li>
 *   <li>links are refused, and so are FIFOs, devices and sockets (by their Unix mode); modes, setuid bits
 *       and times from the archive are never applied: every file is created with the pipeline's own mode;</li>
 *   <li>the name is validated ({@link EntryNames}) and registered ({@link EntryRegistry}: no duplicates, no
 *       names that collide after case folding or normalisation);</li>
 *   <li>the local file header must agree with the central directory (name, method, encryption flag, CRC-32
 *       and sizes) and must not lie inside the previous entry's data (overlapping entries, the trick of
 *       "a better zip bomb", are refused);</li>
 *   <li>encrypted entries and compression methods other than stored, deflate, deflate64 and bzip2 are
 *       refused with a message saying so;</li>
 *   <li>the data is inflated, counted against the limits on the bytes it really produces (never on the
 *       sizes the archive declares), split into records if it is JSON or extracted under {@code files/}, and
 *       its CRC-32 and size are compared with the central directory's once it is read to its end.</li>
 * </ul>
 *
 * <p>Any failure of the archive's data is {@link InvalidInputException} (permanent); a failure to read the
 * channel itself stays a plain {@link IOException} (transient), told apart by {@link SourceChannel}.
 */
public final class ZipUnpacker {
    private final JsonRecordSplitter splitter;
    private final UnpackLimits limits;

    public ZipUnpacker(JsonRecordSplitter splitter, UnpackLimits limits) {
        this.splitter = splitter;
        this.limits = limits;
    }

    /** Unpacks every entry of the zip in {@code channel} into {@code out}, with a budget of its own; returns the number of entries. */
    public int unpack(SeekableByteChannel channel, String archiveName, StagingOutput out) throws IOException {
        SourceChannel source = channel instanceof SourceChannel s ? s : new SourceChannel(channel, channel.size(), Progress.NONE);
        return unpack(source, archiveName, out, budgetFor(source, archiveName, limits));
    }

    /** The budget of a zip: its overall ratio divides by the archive's size (entries may overlap; see the class comment). */
    public static UnpackBudget budgetFor(SeekableByteChannel channel, String archiveName, UnpackLimits limits) throws IOException {
        long size = channel.size();
        return new UnpackBudget(limits, archiveName, () -> size, "the archive's size");
    }

    /** Unpacks every entry of the zip in {@code channel} into {@code out}, counted in {@code budget}; returns the number of entries. */
    public int unpack(SourceChannel channel, String archiveName, StagingOutput out, UnpackBudget budget) throws IOException {
        Limit maxEntries = limits.maxEntries();
        long records;
        try {
            records = ZipStructure.countEntries(channel, maxEntries.value());
        } catch (IOException e) {
            throw channel.sort(e, archiveName, "zip");
        }
        if (records > maxEntries.value()) {
            throw new LimitExceededException(maxEntries, archiveName + " has more than " + maxEntries.value()
                    + " entries in its central directory (limit: " + maxEntries.describe() + ")");
        }
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(channel).setIgnoreLocalFileHeader(false).get();
        } catch (IOException e) {
            IOException sorted = channel.sort(e, archiveName, "zip");
            throw sorted instanceof InvalidInputException ? new InvalidInputException(archiveName
                    + " is not a readable zip archive: " + reason(e), e) : sorted;
        }
        EntryRegistry names = new EntryRegistry(archiveName);
        Inflater inflater = new Inflater(true);
        try (zip; EntryWriter writer = new EntryWriter(splitter, out)) {
            int count = 0;
            long previousEnd = 0;
            String previous = null;
            for (ZipArchiveEntry entry : Collections.list(zip.getEntriesInPhysicalOrder())) {
                count++;
                String where = archiveName + "!" + DatasetName.printable(entry.getName());
                budget.countEntry(entry.getName());
                refuseSpecialFiles(entry, where);
                boolean root = entry.isDirectory() && EntryNames.isRoot(entry.getName());
                String name = root ? null : EntryNames.safeRelative(entry.getName(), archiveName, limits);
                if (!root) {
                    names.add(name, entry.getName(), entry.isDirectory());
                }
                try {
                    ZipStructure.checkLocalHeader(channel, entry, where);
                } catch (IOException e) {
                    throw channel.sort(e, where, "zip");
                }
                if (entry.getLocalHeaderOffset() < previousEnd) {
                    throw new InvalidInputException(where + " starts inside the data of entry '" + DatasetName.printable(previous)
                            + "' (overlapping entries, as in a zip bomb, are not read)");
                }
                previousEnd = entry.getDataOffset() + entry.getCompressedSize();
                previous = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (entry.getGeneralPurposeBit().usesEncryption()) {
                    throw new InvalidInputException(where + ": encrypted entries are not supported");
                }
                extract(zip, entry, name, where, channel, writer, budget, inflater);
            }
            return count;
        } finally {
            inflater.end();
        }
    }

    private static void refuseSpecialFiles(ZipArchiveEntry entry, String where) throws InvalidInputException {
        if (entry.isUnixSymlink()) {
            throw new InvalidInputException(where + " is a symbolic link; links are not extracted");
        }
        if (entry.getPlatform() != ZipArchiveEntry.PLATFORM_UNIX) {
            return;
        }
        String kind = switch (entry.getUnixMode() & 0170000) {
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> null;
        };
        if (kind != null) {
            throw new InvalidInputException(where + " is " + kind + "; device files, FIFOs and sockets are not extracted");
        }
    }

    private void extract(ZipFile zip, ZipArchiveEntry entry, String name, String where, SourceChannel channel,
                         EntryWriter writer, UnpackBudget budget, Inflater inflater) throws IOException {
        ZipMethod method = ZipMethod.getMethodByCode(entry.getMethod());
        if (method != ZipMethod.STORED && method != ZipMethod.DEFLATED && method != ZipMethod.ENHANCED_DEFLATED
                && method != ZipMethod.BZIP2) {
            throw new InvalidInputException(where + ": compression method " + entry.getMethod()
                    + (method != null ? " (" + method + ")" : "") + " is not supported");
        }
        CRC32 crc = new CRC32();
        UnpackBudget.Meter meter;
        try (InputStream raw = method == ZipMethod.STORED || method == ZipMethod.DEFLATED
                ? zip.getRawInputStream(entry) : zip.getInputStream(entry)) {
            InputStream data = raw;
            if (method == ZipMethod.DEFLATED) {
                inflater.reset();
                // zlib may want one byte past the end of a raw deflate stream; the JDK's ZipFile feeds it a zero too.
                data = new InflaterInputStream(new SequenceInputStream(raw, new ByteArrayInputStream(new byte[1])), inflater,
                        EntryWriter.bufferSize(entry.getCompressedSize()));
            }
            meter = budget.meter(new CheckedInputStream(channel.sorted(data, where, "zip entry"), crc),
                    entry.getName(), entry.getCompressedSize());
            writer.write(name, meter, entry.getSize());
        }
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new InvalidInputException(String.format("%s is corrupt: CRC-32 of its data is %08x, the archive says %08x",
                    where, crc.getValue(), entry.getCrc()));
        }
        if (entry.getSize() != -1 && meter.bytes() != entry.getSize()) {
            throw new InvalidInputException(where + " is corrupt: its data is " + meter.bytes()
                    + " bytes long, the central directory says " + entry.getSize());
        }
    }

    private static String reason(IOException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : e.getMessage();
    }
}
