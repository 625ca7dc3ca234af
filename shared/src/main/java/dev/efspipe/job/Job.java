package dev.efspipe.job;

import dev.efspipe.layout.DatasetName;

import java.time.Instant;
import java.util.Objects;

/**
 * One unit of work for the processor: the message body on the process queue.
 *
 * @param schema      message schema version ({@value #SCHEMA}); readers refuse newer schemas they don't know
 * @param id          derived from the source, so duplicates share it
 * @param dataset     where the output is published
 * @param source      what to read
 * @param announcedAt when the upload was announced (the event time)
 */
public record Job(int schema, JobId id, DatasetName dataset, UploadSource source, Instant announcedAt) {
    public static final int SCHEMA = 1;

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(announcedAt, "announcedAt");
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("Unsupported job schema " + schema + " (this build reads " + SCHEMA + ")");
        }
        if (!id.equals(JobId.of(source))) {
            throw new IllegalArgumentException("Job id " + id + " does not match its source " + source.describe());
        }
    }

    public static Job of(UploadSource source, DatasetName dataset, Instant announcedAt) {
        return new Job(SCHEMA, JobId.of(source), dataset, source, announcedAt);
    }
}
