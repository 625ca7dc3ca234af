package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.input.SourceChannel;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackBudget;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;

/**
 * Unpacks a tar archive (ustar, GNU and PAX, long names included) entry by entry from a stream: a plain
 * tar read front to back from the upload, or the output of a decompressor (tar.gz, tar.bz2, tar.xz). A tar
 * has no central directory, so streaming is the only way to read it, and also the cheapest.
 *
 * <p>For each entry: it counts against the entry limit; only regular files and directories are extracted:
 * symbolic and hard links are refused (so nothing is ever written through a link, inside the tree or out of
 * it), and so are character and block devices, FIFOs and any other type; modes, owners, setuid and setgid
 * bits and times are never applied (files get the pipeline's own mode); the name is validated after GNU long
 * names and PAX headers have been applied ({@link EntryNames}: a leading {@code ./} is dropped, and a directory
 * entry {@code ./} or {@code .} is the root, skipped) and registered ({@link EntryRegistry}: no
 * duplicates, no names that collide after case folding or normalisation); the data is counted against the
 * limits on the bytes it really produces and goes to the JSON splitter or to {@code files/}
 * ({@link EntryWriter}).
 *
 * <p>After the end-of-archive marker the rest of the stream is read to its end and counted, so that a
 * compressed stream's trailer (gzip's CRC-32 and length) is checked too. Note that commons-compress removes
 * a leading {@code /} from names that come from GNU long-name entries and PAX {@code path} headers, as GNU
 * tar does; such a name then lands inside {@code files/} like any relative one. An absolute name in the
 * ustar header itself is refused.
 */
public final class TarUnpacker {
    private final JsonRecordSplitter splitter;
    private final UnpackLimits limits;

    public TarUnpacker(JsonRecordSplitter splitter, UnpackLimits limits) {
        this.splitter = splitter;
        this.limits = limits;
    }

    /**
     * Unpacks the tar in {@code in} into {@code out}; returns the number of entries.
     *
     * @param in     the tar stream (decompressed if the upload was compressed), read to its end
     * @param source the upload's channel, which sorts read failures into bad data and failing sources
     * @param format names the data in messages about corruption, e.g. "tar" or "tar (in GZIP)"
     */
    public int unpack(InputStream in, SourceChannel source, String archiveName, String format, StagingOutput out,
                      UnpackBudget budget) throws IOException {
        EntryRegistry names = new EntryRegistry(archiveName);
        TarArchiveInputStream tar = new TarArchiveInputStream(in, false);
        InputStream data = source.sorted(tar, archiveName, format);
        int count = 0;
        try (EntryWriter writer = new EntryWriter(splitter, out)) {
            count = unpackEntries(tar, data, source, archiveName, format, writer, budget, names);
        }
        budget.drain(source.sorted(in, archiveName, format), "(after the end of the tar archive)");
        return count;
    }

    private int unpackEntries(TarArchiveInputStream tar, InputStream data, SourceChannel source, String archiveName,
                              String format, EntryWriter writer, UnpackBudget budget, EntryRegistry names) throws IOException {
        int count = 0;
        while (true) {
            TarArchiveEntry entry;
            try {
                entry = tar.getNextEntry();
            } catch (IOException e) {
                throw source.sort(e, archiveName + " after " + count + " entries", format);
            }
            if (entry == null) {
                break;
            }
            count++;
            String where = archiveName + "!" + DatasetName.printable(entry.getName());
            if (!entry.isCheckSumOK()) {
                throw new InvalidInputException(where + ": the tar header's checksum does not match (corrupt data)");
            }
            budget.countEntry(entry.getName());
            boolean directory = refuseAllButFilesAndDirectories(entry, where);
            if (!tar.canReadEntryData(entry)) {
                throw new InvalidInputException(where + " is a sparse file in a form this build cannot read");
            }
            if (directory && EntryNames.isRoot(entry.getName())) {
                continue; // "./" (GNU tar, bsdtar) or "." (Python): the directory the archive was made from
            }
            String name = EntryNames.safeRelative(entry.getName(), archiveName, limits);
            names.add(name, entry.getName(), directory);
            if (directory) {
                continue;
            }
            writer.write(name, budget.meter(data, entry.getName(), -1), entry.getSize());
        }
        return count;
    }

    /** Returns whether the entry is a directory; throws for anything that is neither a file nor a directory. */
    private static boolean refuseAllButFilesAndDirectories(TarArchiveEntry entry, String where) throws InvalidInputException {
        byte type = entry.getLinkFlag();
        String refused = switch (type) {
            case TarConstants.LF_SYMLINK -> "a symbolic link to '" + DatasetName.printable(entry.getLinkName())
                    + "'; links are not extracted";
            case TarConstants.LF_LINK -> "a hard link to '" + DatasetName.printable(entry.getLinkName())
                    + "'; links are not extracted";
            case TarConstants.LF_CHR -> "a character device; device files and FIFOs are not extracted";
            case TarConstants.LF_BLK -> "a block device; device files and FIFOs are not extracted";
            case TarConstants.LF_FIFO -> "a FIFO; device files and FIFOs are not extracted";
            case TarConstants.LF_DIR, TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG -> null;
            default -> "of tar type '" + (type >= 0x20 && type < 0x7f ? String.valueOf((char) type) : String.format("\\x%02x", type))
                    + "', which is not extracted";
        };
        if (refused != null) {
            throw new InvalidInputException(where + " is " + refused);
        }
        return type == TarConstants.LF_DIR || entry.getName().endsWith("/");
    }
}
