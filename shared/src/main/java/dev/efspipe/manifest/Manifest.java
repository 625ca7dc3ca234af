package dev.efspipe.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.JobId;
import dev.efspipe.layout.Version;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code manifest.json} of a published version: what is in it and where it came from. Written last into
 * staging, so a version directory without a manifest was never complete.
 *
 * @param schema     {@value #SCHEMA}: dataset and version as plain strings; 1 wrote them as {@code {"value": …}} and
 *                   is still read (and held as {@value #SCHEMA})
 * @param records    total JSON records across all parts
 * @param inputBytes bytes read from the source
 * @param parts      NDJSON part files under {@code parts/}, in input order
 * @param files      other archive entries extracted under {@code files/}
 * @param timingsMs  named phases and how long they took
 * @param recordPointer the JSON Pointer the records were read at, or null when detected
 * @param fields     an inferred summary of the records' fields, or null
 * @param invocations how many invocations the job took (more than 1 when it continued from checkpoints)
 * @param metadata   the members of top-level JSON objects that are not arrays of records (a document's
 *                   {@code meta}, a FeatureCollection's {@code type}), bounded; null when there were none
 * @param lineage    the record transforms that produced the records, with their exact versions; null when none
 * @param efsBytesWritten bytes the job wrote to EFS over all its invocations: its parts and files as stored
 *                   (compressed parts counted compressed), the input of {@code ./pipeline plan --job-gib}
 * @param efsBytesRead bytes the job read from EFS over all its invocations: its input when that is a file in
 *                   the inbox (read again up to the checkpoint by each continuation), else 0
 */
public record Manifest(int schema, DatasetName dataset, Version version, JobId jobId, UploadSource source,
                       Instant createdAt, long records, long inputBytes, List<Part> parts, List<FileEntry> files,
                       Map<String, Long> timingsMs, String recordPointer, Fields fields, int invocations,
                       Metadata metadata, Lineage lineage, long efsBytesWritten, long efsBytesRead) {
    public static final int SCHEMA = 2;

    public Manifest {
        if (schema < 1 || schema > SCHEMA) {
            throw new IllegalArgumentException("Unsupported manifest schema " + schema + " (this build reads 1 to " + SCHEMA + ")");
        }
        schema = SCHEMA;
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(jobId, "jobId");
        parts = List.copyOf(parts);
        files = List.copyOf(files);
        timingsMs = Map.copyOf(timingsMs);
        if (efsBytesWritten < 0 || efsBytesRead < 0) {
            throw new IllegalArgumentException("Manifest EFS byte counts must be 0 or more, got written " + efsBytesWritten
                    + " and read " + efsBytesRead);
        }
        long sum = parts.stream().mapToLong(Part::records).sum();
        if (sum != records) {
            throw new IllegalArgumentException("Manifest records (" + records + ") differ from the sum over parts (" + sum + ")");
        }
    }

    /** The summary without pointer, fields or invocation count (one invocation). */
    public Manifest(int schema, DatasetName dataset, Version version, JobId jobId, UploadSource source, Instant createdAt,
                    long records, long inputBytes, List<Part> parts, List<FileEntry> files, Map<String, Long> timingsMs) {
        this(schema, dataset, version, jobId, source, createdAt, records, inputBytes, parts, files, timingsMs, null, null, 1, null, null, 0, 0);
    }

    /** The summary without metadata, lineage or EFS byte counts (manifests written before they were recorded read as 0). */
    public Manifest(int schema, DatasetName dataset, Version version, JobId jobId, UploadSource source, Instant createdAt,
                    long records, long inputBytes, List<Part> parts, List<FileEntry> files, Map<String, Long> timingsMs,
                    String recordPointer, Fields fields, int invocations) {
        this(schema, dataset, version, jobId, source, createdAt, records, inputBytes, parts, files, timingsMs, recordPointer,
                fields, invocations, null, null, 0, 0);
    }

    /** Without lineage (no record transforms) and EFS byte counts. */
    public Manifest(int schema, DatasetName dataset, Version version, JobId jobId, UploadSource source, Instant createdAt,
                    long records, long inputBytes, List<Part> parts, List<FileEntry> files, Map<String, Long> timingsMs,
                    String recordPointer, Fields fields, int invocations, Metadata metadata) {
        this(schema, dataset, version, jobId, source, createdAt, records, inputBytes, parts, files, timingsMs, recordPointer,
                fields, invocations, metadata, null, 0, 0);
    }

    /**
     * The statistics of one field path across all records.
     *
     * @param path  dotted names, {@code []} for array elements: {@code order.items[].sku}
     * @param types the JSON types seen: object, array, string, integer, number, boolean, null
     */
    public record Field(String path, Set<String> types, long count, long nulls) {}

    /**
     * The inferred field summary, bounded in size.
     *
     * @param unnamed occurrences not listed by path (beyond the depth or path-count bound)
     */
    public record Fields(List<Field> paths, long unnamed) {}

    /**
     * One NDJSON part file. Its records all come from one place: one document (or archive entry), and in it one
     * array or object; a part never mixes two.
     *
     * @param name    relative to the version directory, e.g. {@code parts/part-00000.ndjson}
     * @param source  the archive entry (or document) its records came from
     * @param pointer the JSON Pointer of the array (or object) in that document whose elements (or members) the
     *                records are: {@code /features}, {@code /records}, {@code ""} for the document itself;
     *                null for NDJSON lines
     */
    public record Part(String name, String source, long records, long bytes, String sha256, String pointer) {
        /** A part of NDJSON lines (or of an older manifest, which did not name the pointer). */
        public Part(String name, String source, long records, long bytes, String sha256) {
            this(name, source, records, bytes, sha256, null);
        }
    }

    /**
     * What documents said about themselves: the members of a top-level object that are not arrays of records,
     * as JSON, in document order. Bounded: members are kept whole until {@code limitBytes} (names and values, as
     * written in the input) are used; later members are counted, not kept, and {@code note} says so.
     *
     * @param members        kept members
     * @param omittedMembers members not kept because the bound was reached
     * @param omittedBytes   their bytes
     * @param limitBytes     the bound
     * @param note           why members are missing, or null when none is
     */
    public record Metadata(List<Member> members, long omittedMembers, long omittedBytes, long limitBytes, String note) {
        public Metadata {
            members = List.copyOf(members);
        }
    }

    /**
     * One member of a document's top-level object.
     *
     * @param source the document (or archive entry)
     * @param name   the member's name
     * @param value  its value
     */
    public record Member(String source, String name, JsonNode value) {}

    /** One extracted file, relative to the version directory, e.g. {@code files/readme.txt}. */
    public record FileEntry(String name, long bytes, String sha256) {}
}
