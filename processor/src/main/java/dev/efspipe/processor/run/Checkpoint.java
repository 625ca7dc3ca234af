package dev.efspipe.processor.run;

import dev.efspipe.layout.JobId;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.manifest.Manifest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where a job stopped, saved in its staging directory ({@code checkpoint.json}) when it suspends, so the
 * next invocation continues from it. Taken only at a clean boundary: no part file is open, every listed
 * part and file is complete on EFS.
 *
 * <p>The next invocation reads the input again from its start and passes over what is done: records
 * before {@code records} are parsed but not written, files already listed are not extracted again. Parts
 * close exactly where an uninterrupted run closes them, so the output is byte for byte the same.
 *
 * @param records     records written so far (the next one is record number {@code records})
 * @param processMs   time spent processing in earlier invocations
 * @param invocations invocations so far
 * @param efsBytesWritten bytes written to EFS by the invocations so far (parts and files)
 * @param efsBytesRead    bytes read from EFS by the invocations so far (an inbox input)
 * @param lineage     the transforms (exact versions) the job applies, so its continuations apply the same; null: none
 */
public record Checkpoint(int schema, JobId jobId, long records, List<Manifest.Part> parts,
                         List<Manifest.FileEntry> files, Manifest.Fields fields, long processMs, int invocations,
                         Instant at, long efsBytesWritten, long efsBytesRead, Lineage lineage) {
    public static final int SCHEMA = 1;
    public static final String FILE = "checkpoint.json";

    public Checkpoint {
        Objects.requireNonNull(jobId, "jobId");
        parts = List.copyOf(parts);
        files = List.copyOf(files);
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("Unsupported checkpoint schema " + schema);
        }
    }
}
