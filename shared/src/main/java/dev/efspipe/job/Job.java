package dev.efspipe.job;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.JobId;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One unit of work for the processor: the message body on the process queue.
 *
 * @param schema        message schema version: {@value #SCHEMA} writes the dataset as a plain string and derives
 *                      the id from the source and an explicitly chosen dataset ({@link JobId#of(UploadSource,
 *                      DatasetName)}); 1 wrote {@code {"value": …}} and derived the id from the source alone, and is
 *                      still read (and kept as 1, so its id stays valid); readers refuse newer schemas they don't
 *                      know
 * @param id            derived from the source (and a dataset chosen explicitly), so duplicates share it
 * @param dataset       where the output is published
 * @param source        what to read
 * @param announcedAt   when the upload happened (the event time): versions of a dataset are ordered by it, so
 *                      announcements delivered out of order still leave {@code CURRENT} on the newest upload
 * @param sequencer     S3's sequencer for the key, when the announcement had one (kept for diagnostics: it orders
 *                      events of one key only, while a dataset may be fed by several keys)
 * @param recordPointer a JSON Pointer to the array of records in a JSON document, or null to detect it
 * @param transforms    the record transforms the announcement chose (the {@code efs-upload} message's
 *                      {@code transforms}, or {@code ./pipeline process --transform}), applied in order; an empty
 *                      list applies none; null leaves the choice to the processor's {@code PIPELINE_TRANSFORMS}
 */
public record Job(int schema, JobId id, DatasetName dataset, UploadSource source, Instant announcedAt,
                  String sequencer, String recordPointer, List<TransformSpec> transforms) {
    public static final int SCHEMA = 2;

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(announcedAt, "announcedAt");
        if (schema < 1 || schema > SCHEMA) {
            throw new IllegalArgumentException("Unsupported job schema " + schema + " (this build reads 1 to " + SCHEMA + ")");
        }
        if (recordPointer != null && !recordPointer.isEmpty() && !recordPointer.startsWith("/")) {
            throw new IllegalArgumentException("Record pointer '" + recordPointer + "' must be empty or start with '/'");
        }
        transforms = transforms == null ? null : List.copyOf(transforms);
        // Schema 1 ids were derived from the source alone, whatever the dataset; such a job is still read.
        if (!id.equals(source.jobId(dataset)) && !(schema == 1 && id.equals(source.jobId()))) {
            throw new IllegalArgumentException("Job id " + id + " does not match its source " + source.describe()
                    + " and dataset " + dataset);
        }
    }

    public static Job of(UploadSource source, DatasetName dataset, Instant announcedAt) {
        return new Job(SCHEMA, source.jobId(dataset), dataset, source, announcedAt, null, null, null);
    }

    public static Job of(UploadSource source, DatasetName dataset, Instant announcedAt, String sequencer,
                         String recordPointer) {
        return new Job(SCHEMA, source.jobId(dataset), dataset, source, announcedAt, sequencer, recordPointer, null);
    }

    /** The same job with the transforms its announcement chose (null: the processor's configuration decides). */
    public Job withTransforms(List<TransformSpec> chosen) {
        return new Job(schema, id, dataset, source, announcedAt, sequencer, recordPointer, chosen);
    }
}
