package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.archivers.zip.UnsupportedZipFeatureException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipException;

/**
 * Unpacks a zip archive entry by entry, read through its central directory (the truth about what the
 * archive holds) over a {@link SeekableByteChannel}: a file channel on disk or EFS, or ranged GETs on
 * an S3 object, so the archive is never copied whole first.
 *
 * <p>An entry whose content is JSON is split into records straight from the inflating stream; every
 * other entry is extracted under {@code files/}. Entry names are validated ({@link EntryNames}), names
 * that collide after case folding are refused, symbolic links are refused, and the CRC-32 of every
 * entry is checked against the central directory once the entry is read to its end.
 */
public final class ZipUnpacker {
    private final JsonRecordSplitter splitter;
    private final int maxEntries;

    public ZipUnpacker(JsonRecordSplitter splitter, int maxEntries) {
        this.splitter = splitter;
        this.maxEntries = maxEntries;
    }

    /** Unpacks every entry of the zip in {@code channel} into {@code out}; returns the number of entries. */
    public int unpack(SeekableByteChannel channel, String archiveName, StagingOutput out) throws IOException {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(channel).setIgnoreLocalFileHeader(false).get();
        } catch (IOException e) {
            // ZipFile wraps what it finds wrong with the archive ("Error reading Zip content from …", caused by a
            // ZipException); any other IOException is the channel failing to read, which is transient.
            ZipException bad = e instanceof ZipException z ? z : e.getCause() instanceof ZipException z ? z : null;
            if (bad == null) {
                throw e;
            }
            throw new InvalidInputException(archiveName + " is not a readable zip archive: " + bad.getMessage(), e);
        }
        try (zip) {
            Map<String, String> seen = new HashMap<>();
            int count = 0;
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (++count > maxEntries) {
                    throw new InvalidInputException(archiveName + " has more than " + maxEntries
                            + " entries (limit: max entries per archive)");
                }
                String where = archiveName + "!" + DatasetName.printable(entry.getName());
                if (entry.isUnixSymlink()) {
                    throw new InvalidInputException(where + " is a symbolic link; links are not extracted");
                }
                String name = EntryNames.safeRelative(entry.getName());
                String previous = seen.putIfAbsent(EntryNames.collisionKey(name), entry.getName());
                if (previous != null) {
                    throw new InvalidInputException(where + " collides with entry '" + DatasetName.printable(previous)
                            + "' (same name after case folding and Unicode normalisation)");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (!zip.canReadEntryData(entry)) {
                    throw new InvalidInputException(where + ": " + (entry.getGeneralPurposeBit().usesEncryption()
                            ? "encrypted entries are not supported"
                            : "compression method " + entry.getMethod() + " is not supported"));
                }
                CRC32 crc = new CRC32();
                try (InputStream raw = zip.getInputStream(entry);
                     BufferedInputStream in = new BufferedInputStream(new CheckedInputStream(raw, crc), 1 << 16)) {
                    if (Format.detect(in) == Format.JSON) {
                        splitter.split(in, name, out);
                        // Read to the end so the whole entry is checked even if the parser stopped early.
                        in.transferTo(OutputStream.nullOutputStream());
                    } else {
                        out.extract(name, in);
                    }
                } catch (UnsupportedZipFeatureException e) {
                    throw new InvalidInputException(where + ": " + e.getMessage(), e);
                } catch (ZipException e) {
                    throw new InvalidInputException(where + " is corrupt: " + e.getMessage(), e);
                }
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw new InvalidInputException(String.format("%s is corrupt: CRC-32 of its data is %08x, the archive says %08x",
                            where, crc.getValue(), entry.getCrc()));
                }
            }
            return count;
        }
    }
}
