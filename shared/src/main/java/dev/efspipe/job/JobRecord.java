package dev.efspipe.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.JobId;
import dev.efspipe.layout.Version;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of one job on EFS ({@code jobs/<ab>/<jobId>.json}), changed only under the shard's lock and
 * always replaced atomically. People, the API and containers read it, so its JSON is flat and plain
 * (schema {@value #SCHEMA_VERSION}):
 *
 * <pre>{@code
 * {"schemaVersion": 2, "jobId": "83eb…", "dataset": "orders", "version": "20261126T061500.123Z-83eb74258dff",
 *  "state": "CLAIMED", "owner": "…", "leaseUntil": "…", "attempts": 1, "updatedAt": "…", "reason": null,
 *  "progress": {"bytesRead": 524288, "totalBytes": 1048576, "records": 5120, "percent": 50.0,
 *               "bytesPerSecond": 262144, "updatedAt": "…"},
 *  "job": {"schema": 2, "id": "83eb…", "dataset": "orders", "source": {…}, "announcedAt": "…"}}
 * }</pre>
 *
 * {@code jobId} and {@code dataset} repeat the job's for readers; {@code job} is what the record is read
 * from. Schema 1 (records written before this form: no {@code schemaVersion}, no {@code progress}, value types
 * as {@code {"value": …}} objects) is still read.
 *
 * @param job        the job as first claimed
 * @param state      where it is
 * @param owner      the processor that holds (or last held) the claim
 * @param leaseUntil the claim is the owner's until then; after it, another processor may take the job over
 * @param version    the version this job publishes, fixed at the first claim so a re-run publishes the same one
 * @param attempts   how many times the job was claimed (1 for a job that ran once)
 * @param updatedAt  the last change
 * @param reason     why it failed (FAILED only)
 * @param progress   how far the work has come (null until the first figures), kept current while it runs
 */
@JsonPropertyOrder({"schemaVersion", "jobId", "dataset", "version", "state", "owner", "leaseUntil", "attempts",
        "updatedAt", "reason", "progress", "job"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobRecord(Job job, State state, String owner, Instant leaseUntil, Version version,
                        int attempts, Instant updatedAt, String reason, JobProgress progress) {
    /** The form this build writes; it reads this one and 1. */
    public static final int SCHEMA_VERSION = 2;

    /**
     * CLAIMED: an owner works on it (while its lease lives). SUSPENDED: it stopped at a checkpoint and a
     * continuation message is on its way; the next claim resumes it. PUBLISHED and FAILED are final.
     */
    public enum State { CLAIMED, SUSPENDED, PUBLISHED, FAILED }

    public JobRecord {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A record without progress figures. */
    public JobRecord(Job job, State state, String owner, Instant leaseUntil, Version version, int attempts,
                     Instant updatedAt, String reason) {
        this(job, state, owner, leaseUntil, version, attempts, updatedAt, reason, null);
    }

    /** Reads schema {@value #SCHEMA_VERSION} and 1 (no {@code schemaVersion}); refuses newer ones by name. */
    @JsonCreator
    static JobRecord fromJson(@JsonProperty("schemaVersion") Integer schemaVersion,
                              @JsonProperty("job") Job job,
                              @JsonProperty("state") State state,
                              @JsonProperty("owner") String owner,
                              @JsonProperty("leaseUntil") Instant leaseUntil,
                              @JsonProperty("version") Version version,
                              @JsonProperty("attempts") int attempts,
                              @JsonProperty("updatedAt") Instant updatedAt,
                              @JsonProperty("reason") String reason,
                              @JsonProperty("progress") JobProgress progress) {
        int schema = schemaVersion == null ? 1 : schemaVersion;
        if (schema < 1 || schema > SCHEMA_VERSION) {
            throw new IllegalArgumentException("Unsupported job record schemaVersion " + schema
                    + " (this build reads 1 to " + SCHEMA_VERSION + ")");
        }
        return new JobRecord(job, state, owner, leaseUntil, version, attempts, updatedAt, reason, progress);
    }

    @JsonProperty("schemaVersion")
    int schemaVersion() {
        return SCHEMA_VERSION;
    }

    /** The job's id, repeated at the top of the JSON for readers. */
    @JsonProperty("jobId")
    public JobId id() {
        return job.id();
    }

    /** The job's dataset, repeated at the top of the JSON for readers. */
    @JsonProperty("dataset")
    public DatasetName dataset() {
        return job.dataset();
    }

    public boolean leaseLiveAt(Instant now) {
        return state == State.CLAIMED && now.isBefore(leaseUntil);
    }

    JobRecord with(State newState, String newOwner, Instant newLease, int newAttempts, Instant now, String newReason) {
        return new JobRecord(job, newState, newOwner, newLease, version, newAttempts, now, newReason, progress);
    }

    @JsonIgnore
    JobRecord withProgress(JobProgress newProgress) {
        return new JobRecord(job, state, owner, leaseUntil, version, attempts, updatedAt, reason, newProgress);
    }
}
