package dev.efspipe.processor.output;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.fs.EarlyForce;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.json.FieldSummary;
import dev.efspipe.processor.json.RecordSink;
import dev.efspipe.processor.transform.RecordTransformChain;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.zip.GZIPOutputStream;

/**
 * Everything a job writes, inside its staging directory and nowhere else: NDJSON part files under
 * {@code parts/} (rolled over at a size bound counted on uncompressed bytes, in input order, optionally
 * gzip-compressed) and extracted files under {@code files/}. Collects what the manifest lists.
 *
 * <p>A job that continues from a checkpoint starts with the parts and files done so far; the records
 * before the checkpoint are passed over ({@link #skipping()}) and the files already listed are not
 * extracted again. At each clean boundary (a part closed, a file extracted, no part open) the budget is
 * asked whether to stop there; if so, {@link Suspension} unwinds the job.
 *
 * <p>With a {@link RecordTransformChain}, a record is collected in a buffer instead of being written, handed
 * to the chain at {@link #endRecord()}, and its result written (or nothing, when it was dropped); the
 * splitter's field walk then only validates the input, and {@link #summary()} counts the fields of the records
 * as written. Without a chain, records go straight into the part file, no buffer and no copy in between.
 */
public final class StagingOutput implements RecordSink, AutoCloseable {
    private final Path staging;
    private final DurableFiles files;
    private final long partMaxBytes;
    private final boolean gzip;
    private final LongPredicate budgetExhausted;
    private final List<Manifest.Part> parts = new ArrayList<>();
    private final List<Manifest.FileEntry> extracted = new ArrayList<>();
    private final Map<String, Manifest.FileEntry> alreadyExtracted = new HashMap<>();
    private final FieldSummary fields;
    private final FieldSummary summary;
    private final long skipUntil;
    /**
     * Extracted files of 1 MiB or more are fsynced in the background as they grow and once closed, while the next is
     * written (threads only once one is); smaller ones are left to the publish's fsync of the tree, which forces them
     * many at once.
     */
    private final EarlyForce early = new EarlyForce();
    private static final int COPY_BUFFER = 1 << 16;
    private byte[] copyBuffer;
    /** The directories extracted files went to so far (created, or found to be ones): each is looked up once. */
    private final Set<Path> directories = new HashSet<>();
    private final RecordTransformChain chain;
    private final RecordBuffer buffer;

    private CountingDigestOutputStream part;
    private Counting uncompressed;
    private OutputStream recordTarget;
    private String partSource;
    private String partPointer;
    private long partRecords;
    private long records;
    /** {@link #records}, published for other threads (a release store: a plain store on x86, no fence). */
    @SuppressWarnings("unused") // written and read through RECORDS_SEEN
    private long recordsSeen;
    private long bytesWritten;

    private static final VarHandle RECORDS_SEEN;

    static {
        try {
            RECORDS_SEEN = MethodHandles.lookup().findVarHandle(StagingOutput.class, "recordsSeen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public StagingOutput(Path staging, DurableFiles files, long partMaxBytes) {
        this(staging, files, partMaxBytes, false, null, bytes -> false);
    }

    /**
     * @param resume          where an earlier invocation stopped, or null to start from the beginning
     * @param budgetExhausted asked at each clean boundary with the bytes written in this invocation
     */
    public StagingOutput(Path staging, DurableFiles files, long partMaxBytes, boolean gzip, Resume resume,
                         LongPredicate budgetExhausted) {
        this(staging, files, partMaxBytes, gzip, resume, budgetExhausted, null);
    }

    /**
     * @param resume          where an earlier invocation stopped, or null to start from the beginning
     * @param budgetExhausted asked at each clean boundary with the bytes written in this invocation
     * @param chain           the job's record transforms, or null for none
     */
    public StagingOutput(Path staging, DurableFiles files, long partMaxBytes, boolean gzip, Resume resume,
                         LongPredicate budgetExhausted, RecordTransformChain chain) {
        this.chain = chain;
        this.buffer = chain == null ? null : new RecordBuffer();
        this.staging = staging;
        this.files = files;
        this.partMaxBytes = partMaxBytes;
        this.gzip = gzip;
        this.budgetExhausted = budgetExhausted;
        if (resume != null) {
            parts.addAll(resume.parts());
            extracted.addAll(resume.files());
            resume.files().forEach(f -> alreadyExtracted.put(f.name(), f));
            this.skipUntil = resume.records();
            this.summary = new FieldSummary(resume.fields());
        } else {
            this.skipUntil = 0;
            this.summary = new FieldSummary();
        }
        // With transforms, the walk over the input only validates it; what is counted is what is written.
        this.fields = chain == null ? summary : new FieldSummary();
    }

    /** What a resumed output starts with. */
    public record Resume(long records, List<Manifest.Part> parts, List<Manifest.FileEntry> files, Manifest.Fields fields) {}

    /** The field summary the JSON splitter feeds as it walks each input record. */
    @Override
    public FieldSummary fields() {
        return fields;
    }

    /** The summary of the records as written, for the manifest and checkpoints ({@link #fields()} without transforms). */
    public FieldSummary summary() {
        return summary;
    }

    /** True while the records are ones an earlier invocation already wrote. */
    @Override
    public boolean skipping() {
        return records < skipUntil;
    }

    /** Counts a record passed over while {@link #skipping()}. */
    @Override
    public void skipRecord() {
        records++;
        RECORDS_SEEN.setRelease(this, records);
    }

    /**
     * The stream the next record is written to, opening a part file if none is open; a record from another
     * document or another array than the open part's closes it first, so that a part never mixes two. After the
     * record, the caller calls {@link #endRecord()}.
     *
     * @param source  the document (or archive entry) the record comes from
     * @param pointer the JSON Pointer of the array (or object) it is an element (or member) of, null for NDJSON
     */
    @Override
    public OutputStream recordStream(String source, String pointer) throws IOException {
        // Identity first: the splitter passes the same String instances record after record.
        if (part != null && (source != partSource && !source.equals(partSource)
                || pointer != partPointer && (pointer == null || !pointer.equals(partPointer)))) {
            closePart();
            checkBudget();
        }
        if (part == null) {
            Path dir = files.createDirectories(staging.resolve("parts"));
            // Forced in the background once the writer closes it, while the next part is written: the publish then finds
            // it clean instead of waiting for every part's fsync at the end.
            OutputStream file = files.createFile(dir.resolve(partName(parts.size())), early);
            part = new CountingDigestOutputStream(new BufferedOutputStream(file, 1 << 16));
            // Compressing, hashing and writing happen on a second thread; this one parses and copies.
            uncompressed = new Counting(new AsyncPartWriter(gzip ? new GZIPOutputStream(part, 1 << 16) : part,
                    partName(parts.size())));
            recordTarget = uncompressed;
            partSource = source;
            partPointer = pointer;
            partRecords = 0;
        }
        if (chain != null) {
            buffer.reset();
            return buffer;
        }
        return recordTarget;
    }

    /** Ends the record just written with a newline and rolls the part over when it reached its bound. */
    @Override
    public void endRecord() throws IOException {
        if (chain != null) {
            byte[] result = chain.apply(buffer.toByteArray(), records, partSource, summary);
            if (result == null) {
                records++; // dropped: counted as read, not written
                RECORDS_SEEN.setRelease(this, records);
                return;
            }
            writeWithoutLineBreaks(result);
        }
        recordTarget.write('\n');
        partRecords++;
        records++;
        RECORDS_SEEN.setRelease(this, records);
        if (uncompressed.count >= partMaxBytes) {
            closePart();
            checkBudget();
        }
    }

    /** A checked JSON value has line breaks only between tokens, where they can go: one record, one line. */
    private void writeWithoutLineBreaks(byte[] value) throws IOException {
        int from = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '\n' || value[i] == '\r') {
                recordTarget.write(value, from, i - from);
                from = i + 1;
            }
        }
        recordTarget.write(value, from, value.length - from);
    }

    /** Records read so far, in this and earlier invocations (those a transform dropped included). */
    public long records() {
        return records;
    }

    /** Records written to parts so far (fewer than {@link #records()} when a transform dropped some). */
    public long recordsWritten() {
        long n = part == null ? 0 : partRecords;
        for (Manifest.Part p : parts) {
            n += p.records();
        }
        return n;
    }

    /** {@link #records()} for any other thread (the progress figures): at most a few records behind. */
    public long recordsSoFar() {
        return (long) RECORDS_SEEN.getAcquire(this);
    }

    /** Bytes of document metadata the manifest keeps, names and values as they were written. */
    public static final int METADATA_LIMIT_BYTES = 64 * 1024;

    private static final ObjectReader METADATA_READER = Json.MAPPER.reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final List<Manifest.Member> metadata = new ArrayList<>();
    private long metadataBytes;
    private long omittedMembers;
    private long omittedBytes;

    /** Bytes of metadata still kept before the bound ({@value #METADATA_LIMIT_BYTES}) is reached. */
    @Override
    public int metadataRoom() {
        return omittedMembers > 0 ? 0 : (int) Math.max(0, METADATA_LIMIT_BYTES - metadataBytes);
    }

    /**
     * One member of a document's top-level object that is not an array of records: kept whole if it fits the
     * bound, counted as omitted otherwise (also every member after the first that did not fit, so that what is
     * kept is a prefix of each document's metadata in order).
     *
     * @param json the value as written in the input ({@code length} bytes from {@code offset}), or null when the
     *             splitter did not keep it because it is larger than {@link #metadataRoom()}
     * @param size its size in the input
     */
    @Override
    public void metadata(String source, String name, byte[] json, int offset, int length, long size) throws IOException {
        long bytes = size + name.getBytes(StandardCharsets.UTF_8).length;
        if (json == null || omittedMembers > 0 || bytes > metadataRoom()) {
            omittedMembers++;
            omittedBytes += bytes;
            return;
        }
        metadata.add(new Manifest.Member(source, name, METADATA_READER.readTree(json, offset, length)));
        metadataBytes += bytes;
    }

    /** The document metadata for the manifest, or null when no document had any. */
    public Manifest.Metadata metadata() {
        if (metadata.isEmpty() && omittedMembers == 0) {
            return null;
        }
        String note = omittedMembers == 0 ? null : String.format("%,d more members (%,d bytes) are not kept: the manifest"
                + " keeps document metadata up to %,d bytes", omittedMembers, omittedBytes, METADATA_LIMIT_BYTES);
        return new Manifest.Metadata(metadata, omittedMembers, omittedBytes, METADATA_LIMIT_BYTES, note);
    }

    /**
     * Copies a non-JSON entry to {@code files/<relative>}. {@code relative} must already be a validated,
     * normalised relative path; two entries with the same name are an error, never an overwrite. An entry
     * an earlier invocation extracted is read past, not written again.
     */
    public Manifest.FileEntry extract(String relative, InputStream in) throws IOException {
        Manifest.FileEntry done = alreadyExtracted.remove("files/" + relative);
        if (done != null) {
            in.transferTo(OutputStream.nullOutputStream());
            return done;
        }
        Path root = staging.resolve("files");
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new InvalidInputException("Entry '" + DatasetName.printable(relative) + "' would be written outside files/");
        }
        try {
            // A directory's existence is looked up once, not once per file (entries of several directories may alternate).
            if (!directories.contains(target.getParent())) {
                directories.add(files.createDirectories(target.getParent()));
            }
        } catch (FileAlreadyExistsException e) {
            throw new InvalidInputException("Entry '" + DatasetName.printable(relative)
                    + "' is below a path that an earlier entry wrote as a file", e);
        }
        CountingDigestOutputStream out;
        try (OutputStream raw = files.createFile(target, early)) {
            // One buffer for every file, filled before each write: the bytes are copied once from the reader into
            // it and written from there (a buffered stream and transferTo would copy them twice more, in 8 KiB steps).
            out = new CountingDigestOutputStream(raw);
            byte[] buf = copyBuffer();
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (FileAlreadyExistsException e) {
            throw new InvalidInputException("Entry '" + DatasetName.printable(relative) + "' appears twice in the input", e);
        }
        Manifest.FileEntry entry = new Manifest.FileEntry("files/" + relative, out.count(), out.sha256Hex());
        extracted.add(entry);
        bytesWritten += out.count();
        if (part == null) {
            checkBudget();
        }
        return entry;
    }

    private byte[] copyBuffer() {
        if (copyBuffer == null) {
            copyBuffer = new byte[COPY_BUFFER];
        }
        return copyBuffer;
    }

    /** Closes the open part and waits for the background fsyncs of extracted files; the lists are complete afterwards. */
    @Override
    public void close() throws IOException {
        try {
            closePart();
        } finally {
            try {
                early.await();
            } finally {
                early.close();
            }
        }
    }

    public List<Manifest.Part> parts() {
        return List.copyOf(parts);
    }

    public List<Manifest.FileEntry> files() {
        return List.copyOf(extracted);
    }

    /** Bytes of parts and files written in this invocation. */
    public long bytesWritten() {
        return bytesWritten;
    }

    private String partName(int index) {
        return String.format(gzip ? "part-%05d.ndjson.gz" : "part-%05d.ndjson", index);
    }

    private void checkBudget() throws Suspension {
        if (budgetExhausted.test(bytesWritten)) {
            throw new Suspension(bytesWritten);
        }
    }

    private void closePart() throws IOException {
        if (part == null) {
            return;
        }
        uncompressed.close(); // finishes the gzip stream (if any), flushes, closes the file
        if (partRecords == 0) {
            // Every record of this part was dropped by a transform: no empty part in the output.
            Files.delete(staging.resolve("parts").resolve(partName(parts.size())));
            part = null;
            uncompressed = null;
            recordTarget = null;
            return;
        }
        parts.add(new Manifest.Part("parts/" + partName(parts.size()), partSource, partRecords, part.count(), part.sha256Hex(),
                partPointer));
        bytesWritten += part.count();
        part = null;
        uncompressed = null;
        recordTarget = null;
    }

    /** One record on its way to the transforms: reused from record to record. */
    private static final class RecordBuffer extends ByteArrayOutputStream {
        RecordBuffer() {
            super(1 << 12);
        }
    }

    /** Counts the uncompressed bytes of a part, which its size bound applies to. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
