package dev.efspipe.processor.output;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.manifest.Manifest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a job writes, inside its staging directory and nowhere else: NDJSON part files under
 * {@code parts/} (rolled over at a size bound, in input order) and extracted files under {@code files/}.
 * Collects what the manifest lists.
 */
public final class StagingOutput implements AutoCloseable {
    private final Path staging;
    private final DurableFiles files;
    private final long partMaxBytes;
    private final List<Manifest.Part> parts = new ArrayList<>();
    private final List<Manifest.FileEntry> extracted = new ArrayList<>();

    private CountingDigestOutputStream part;
    private OutputStream partOut;
    private String partSource;
    private long partRecords;
    private long records;

    public StagingOutput(Path staging, DurableFiles files, long partMaxBytes) {
        this.staging = staging;
        this.files = files;
        this.partMaxBytes = partMaxBytes;
    }

    /**
     * The stream the next record is written to, opening a part file if none is open. After the record,
     * the caller calls {@link #endRecord()}.
     */
    public OutputStream recordStream(String source) throws IOException {
        if (part != null && !source.equals(partSource)) {
            closePart();
        }
        if (part == null) {
            Path dir = files.createDirectories(staging.resolve("parts"));
            String name = String.format("part-%05d.ndjson", parts.size());
            partOut = new BufferedOutputStream(files.createFile(dir.resolve(name)), 1 << 16);
            part = new CountingDigestOutputStream(partOut);
            partSource = source;
            partRecords = 0;
        }
        return part;
    }

    /** Ends the record just written with a newline and rolls the part over when it reached its bound. */
    public void endRecord() throws IOException {
        part.write('\n');
        partRecords++;
        records++;
        if (part.count() >= partMaxBytes) {
            closePart();
        }
    }

    public long records() {
        return records;
    }

    /**
     * Copies a non-JSON entry to {@code files/<relative>}. {@code relative} must already be a validated,
     * normalised relative path; two entries with the same name are an error, never an overwrite.
     */
    public Manifest.FileEntry extract(String relative, InputStream in) throws IOException {
        Path root = staging.resolve("files");
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new InvalidInputException("Entry '" + DatasetName.printable(relative) + "' would be written outside files/");
        }
        try {
            files.createDirectories(target.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new InvalidInputException("Entry '" + DatasetName.printable(relative)
                    + "' is below a path that an earlier entry wrote as a file");
        }
        CountingDigestOutputStream out;
        try (OutputStream raw = files.createFile(target)) {
            out = new CountingDigestOutputStream(new BufferedOutputStream(raw, 1 << 16));
            in.transferTo(out);
            out.flush();
        } catch (FileAlreadyExistsException e) {
            throw new InvalidInputException("Entry '" + DatasetName.printable(relative) + "' appears twice in the input");
        }
        Manifest.FileEntry entry = new Manifest.FileEntry("files/" + relative, out.count(), out.sha256Hex());
        extracted.add(entry);
        return entry;
    }

    /** Closes the open part; the lists are complete afterwards. */
    @Override
    public void close() throws IOException {
        closePart();
    }

    public List<Manifest.Part> parts() {
        return List.copyOf(parts);
    }

    public List<Manifest.FileEntry> files() {
        return List.copyOf(extracted);
    }

    private void closePart() throws IOException {
        if (part == null) {
            return;
        }
        part.flush();
        partOut.close();
        parts.add(new Manifest.Part(String.format("parts/part-%05d.ndjson", parts.size()), partSource,
                partRecords, part.count(), part.sha256Hex()));
        part = null;
        partOut = null;
    }
}
