package dev.efspipe.manifest;

import dev.efspipe.job.JobId;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code manifest.json} of a published version: what is in it and where it came from. Written last into
 * staging, so a version directory without a manifest was never complete.
 *
 * @param records    total JSON records across all parts
 * @param inputBytes bytes read from the source
 * @param parts      NDJSON part files under {@code parts/}, in input order
 * @param files      other archive entries extracted under {@code files/}
 * @param timingsMs  named phases and how long they took
 */
public record Manifest(int schema, DatasetName dataset, Version version, JobId jobId, UploadSource source,
                       Instant createdAt, long records, long inputBytes, List<Part> parts, List<FileEntry> files,
                       Map<String, Long> timingsMs) {
    public static final int SCHEMA = 1;

    public Manifest {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(jobId, "jobId");
        parts = List.copyOf(parts);
        files = List.copyOf(files);
        timingsMs = Map.copyOf(timingsMs);
        long sum = parts.stream().mapToLong(Part::records).sum();
        if (sum != records) {
            throw new IllegalArgumentException("Manifest records (" + records + ") differ from the sum over parts (" + sum + ")");
        }
    }

    /**
     * One NDJSON part file.
     *
     * @param name    relative to the version directory, e.g. {@code parts/part-00000.ndjson}
     * @param source  the archive entry (or document) its records came from
     */
    public record Part(String name, String source, long records, long bytes, String sha256) {}

    /** One extracted file, relative to the version directory, e.g. {@code files/readme.txt}. */
    public record FileEntry(String name, long bytes, String sha256) {}
}
