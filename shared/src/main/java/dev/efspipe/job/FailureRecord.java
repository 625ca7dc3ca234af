package dev.efspipe.job;

import dev.efspipe.layout.JobId;

import java.time.Instant;

/** {@code failed/<ab>/<jobId>.json}: a permanent failure and the reason a person can act on. */
public record FailureRecord(JobId jobId, String source, String dataset, String reason, Instant at, String owner) {}
