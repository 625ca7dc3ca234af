package dev.efspipe.job;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.json.Json;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.JobId;
import dev.efspipe.layout.Version;
import dev.efspipe.lock.FileLocks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Claims jobs on EFS, which is where de-duplication becomes exact: SQS delivers at least once, S3 may
 * announce an object twice, and two processors may receive the same job at the same moment; only the
 * one that claims it works on it.
 *
 * <p>Every read-modify-write of a job record happens under the exclusive lock of its shard
 * ({@code jobs/<ab>/.lock}); the record itself is created with an exclusive create and later replaced
 * atomically, so a reader without the lock sees a whole record. A claim holds a lease that its owner
 * renews while it works; a claim whose lease ran out belongs to whoever asks next (its owner is
 * presumed dead: killed, timed out or frozen), and its former owner can no longer renew it or record an
 * outcome under it. A claim whose owner is a local process that this claimant can see is gone
 * ({@link LocalProcess#isGone}) is taken over at once, without waiting for the lease.
 */
public final class JobClaims {
    /** What {@link #claim} decided. */
    public enum Decision {
        /** The caller owns the job now (first claim, or a takeover of an expired lease or of a local owner that is gone). */
        ACQUIRED,
        /** Another processor holds a live lease: leave the job alone and let the message come back later. */
        BUSY,
        /** Already published: a duplicate, acknowledge it. */
        ALREADY_PUBLISHED,
        /** Already failed permanently: a duplicate of a bad upload, acknowledge it. */
        ALREADY_FAILED
    }

    /**
     * The decision and the record as it is after it. {@code takenOver}: an expired claim, or one whose local
     * owner process is gone, was taken (its owner is presumed dead). {@code resumed}: the job had suspended at a checkpoint, which this attempt
     * continues from (its staging directory is that of attempt {@code record.attempts() - 1}).
     */
    public record Claim(Decision decision, JobRecord record, boolean takenOver, boolean resumed) {
        public Claim(Decision decision, JobRecord record, boolean takenOver) {
            this(decision, record, takenOver, false);
        }
    }

    private final EfsLayout layout;
    private final DurableFiles files;
    private final Duration lockTimeout;
    private final Clock clock;
    private final Predicate<String> ownerGone;

    public JobClaims(EfsLayout layout, DurableFiles files, Duration lockTimeout, Clock clock) {
        this(layout, files, lockTimeout, clock, LocalProcess::isGone);
    }

    /** @param ownerGone whether an owner is known to be dead before its lease ends ({@link LocalProcess#isGone}) */
    public JobClaims(EfsLayout layout, DurableFiles files, Duration lockTimeout, Clock clock, Predicate<String> ownerGone) {
        this.layout = layout;
        this.files = files;
        this.lockTimeout = lockTimeout;
        this.clock = clock;
        this.ownerGone = ownerGone;
    }

    public Claim claim(Job job, String owner, Duration lease) throws IOException {
        files.createDirectories(layout.jobShard(job.id()));
        try (var lock = FileLocks.exclusive(layout.jobShardLock(job.id()), lockTimeout)) {
            Instant now = clock.instant();
            Optional<JobRecord> existing = read(job.id());
            if (existing.isEmpty()) {
                JobRecord fresh = new JobRecord(job, JobRecord.State.CLAIMED, owner, now.plus(lease),
                        Version.of(job.announcedAt(), job.id()), 1, now, null);
                if (!files.createExclusively(layout.jobRecord(job.id()), Json.MAPPER.writeValueAsBytes(fresh))) {
                    // Unreachable while every writer takes the shard lock; kept as a guard against one that doesn't.
                    throw new IOException("Job record " + layout.jobRecord(job.id()) + " appeared while its shard was locked");
                }
                return new Claim(Decision.ACQUIRED, fresh, false);
            }
            JobRecord current = existing.get();
            return switch (current.state()) {
                case PUBLISHED -> new Claim(Decision.ALREADY_PUBLISHED, current, false);
                case FAILED -> new Claim(Decision.ALREADY_FAILED, current, false);
                case SUSPENDED -> {
                    JobRecord resumed = current.with(JobRecord.State.CLAIMED, owner, now.plus(lease),
                            current.attempts() + 1, now, null);
                    write(resumed);
                    yield new Claim(Decision.ACQUIRED, resumed, false, true);
                }
                case CLAIMED -> {
                    if (current.leaseLiveAt(now) && !current.owner().equals(owner) && !ownerGone.test(current.owner())) {
                        yield new Claim(Decision.BUSY, current, false);
                    }
                    JobRecord taken = current.with(JobRecord.State.CLAIMED, owner, now.plus(lease),
                            current.attempts() + 1, now, null);
                    write(taken);
                    yield new Claim(Decision.ACQUIRED, taken, true);
                }
            };
        }
    }

    /** Extends the lease of a claim this owner still holds; fails if another took it over. */
    public JobRecord renew(JobId id, String owner, Duration lease) throws IOException {
        return change(id, owner, JobRecord.State.CLAIMED, lease, null);
    }

    /** Marks a job published; later claims of it are duplicates. */
    public JobRecord markPublished(JobId id, String owner) throws IOException {
        return change(id, owner, JobRecord.State.PUBLISHED, Duration.ZERO, null);
    }

    /** Marks a job published with its final progress figures; later claims of it are duplicates. */
    public JobRecord markPublished(JobId id, String owner, JobProgress last) throws IOException {
        return change(id, owner, current -> current.withProgress(last)
                .with(JobRecord.State.PUBLISHED, owner, clock.instant(), current.attempts(), clock.instant(), null));
    }

    /**
     * Replaces the progress figures of a claim this owner still holds, leaving its lease as it is. Like every
     * change, it is made under the shard lock and refused (with {@link ClaimLostException}) once the claim is
     * no longer this owner's, so a processor that lost its claim never overwrites its successor's record.
     */
    public JobRecord updateProgress(JobId id, String owner, JobProgress progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        return change(id, owner, current -> current.withProgress(progress)
                .with(JobRecord.State.CLAIMED, owner, current.leaseUntil(), current.attempts(), clock.instant(), null));
    }

    /**
     * Marks a job suspended at a checkpoint: its claim ends now, and the next claim (the continuation
     * message's) resumes it.
     */
    public JobRecord suspend(JobId id, String owner) throws IOException {
        return change(id, owner, JobRecord.State.SUSPENDED, Duration.ZERO, null);
    }

    /** {@link #suspend(JobId, String)} with the figures the job reached (null: keep those the record has). */
    public JobRecord suspend(JobId id, String owner, JobProgress reached) throws IOException {
        if (reached == null) {
            return suspend(id, owner);
        }
        return change(id, owner, current -> current.withProgress(reached)
                .with(JobRecord.State.SUSPENDED, owner, clock.instant(), current.attempts(), clock.instant(), null));
    }

    /** Marks a job failed permanently with a reason a person can act on; later claims of it are duplicates. */
    public JobRecord markFailed(JobId id, String owner, String reason) throws IOException {
        return change(id, owner, JobRecord.State.FAILED, Duration.ZERO, reason);
    }

    /** Releases a claim early (a transient failure) so that a retry need not wait for the lease to run out. */
    public void release(JobId id, String owner) throws IOException {
        try (var lock = FileLocks.exclusive(layout.jobShardLock(id), lockTimeout)) {
            Optional<JobRecord> rec = read(id);
            if (rec.isPresent() && rec.get().state() == JobRecord.State.CLAIMED && rec.get().owner().equals(owner)) {
                Instant now = clock.instant();
                write(rec.get().with(JobRecord.State.CLAIMED, owner, now, rec.get().attempts(), now, null));
            }
        }
    }

    /** Reads a job record without the lock; the atomic replace makes every read see a whole record. */
    public Optional<JobRecord> read(JobId id) throws IOException {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readAllBytes(layout.jobRecord(id)), JobRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private JobRecord change(JobId id, String owner, JobRecord.State state, Duration lease, String reason) throws IOException {
        return change(id, owner, current -> {
            Instant now = clock.instant();
            return current.with(state, owner, now.plus(lease), current.attempts(), now, reason);
        });
    }

    /** Applies {@code next} to the record under the shard lock, if the claim is still {@code owner}'s. */
    private JobRecord change(JobId id, String owner, UnaryOperator<JobRecord> next) throws IOException {
        try (var lock = FileLocks.exclusive(layout.jobShardLock(id), lockTimeout)) {
            JobRecord current = read(id).orElseThrow(() -> new IOException("Job " + id + " has no record to update"));
            Instant now = clock.instant();
            // A claim whose lease ran out is no longer its owner's, even if nobody has taken it over yet: a
            // sweep may already have removed its staging directory.
            if (!current.leaseLiveAt(now) || !current.owner().equals(owner)) {
                throw new ClaimLostException(id, owner, current.owner() + " (" + current.state()
                        + (current.state() == JobRecord.State.CLAIMED ? ", lease until " + current.leaseUntil() : "") + ")");
            }
            JobRecord changed = next.apply(current);
            write(changed);
            return changed;
        }
    }

    private void write(JobRecord rec) throws IOException {
        files.writeAtomically(layout.jobRecord(rec.id()), Json.MAPPER.writeValueAsBytes(rec));
    }
}
