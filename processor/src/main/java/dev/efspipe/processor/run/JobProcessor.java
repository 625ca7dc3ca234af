package dev.efspipe.processor.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.efspipe.catalog.Catalog;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.fs.IoErrors;
import dev.efspipe.job.ClaimLostException;
import dev.efspipe.job.FailureRecord;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobClaims;
import dev.efspipe.job.JobRecord;
import dev.efspipe.job.StagingSweeper;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.json.Json;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.logging.LogContext;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.config.TransformRules;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.output.Suspension;
import dev.efspipe.processor.transform.JobTransforms;
import dev.efspipe.processor.transform.StaleCheckpointException;
import dev.efspipe.processor.transform.Transforms;
import dev.efspipe.publish.AtomicPublisher;
import dev.efspipe.text.Printable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one job end to end on EFS: claim, process into staging, publish atomically, record the outcome.
 * Plain Java with no Lambda types, shared by the Lambda handler, the local stack and
 * {@code ./pipeline process}.
 *
 * <p>Failures are sorted here: {@link InvalidInputException} and malformed JSON are permanent (recorded
 * under {@code failed/}, never retried); any other {@link IOException} is transient and propagates, after
 * the claim is released so that the retry need not wait for the lease to run out. Either way the staging
 * directory is removed, so nothing of a failed run stays behind.
 */
public final class JobProcessor {
    private static final Logger LOG = Logger.getLogger(JobProcessor.class.getName());

    private final ProcessorConfig config;
    private final EfsLayout layout;
    private final DurableFiles files;
    private final JobClaims claims;
    private final AtomicPublisher publisher;
    private final ContentProcessor content;
    private final Transforms transforms;
    private final Clock clock;
    private final ScheduledExecutorService renewals;
    private final StagingSweeper sweeper;
    private final AtomicReference<Instant> lastSweep = new AtomicReference<>();

    /** @param config the file system, part format, limits and record transforms every job runs with */
    public JobProcessor(ProcessorConfig config, Clock clock) {
        this(config, new Transforms(config.efsRoot(), config.transforms(), config.json(), Transforms.defaultLocalDir()), clock);
    }

    /** @param transforms the record transforms of this environment (plugins and reference data kept from job to job) */
    public JobProcessor(ProcessorConfig config, Transforms transforms, Clock clock) {
        this.config = config;
        this.transforms = transforms;
        this.clock = clock;
        this.layout = new EfsLayout(config.efsRoot());
        Duration lockTimeout = config.efs().lockTimeout();
        this.files = new DurableFiles(config.efs().permissions());
        this.claims = new JobClaims(layout, files, lockTimeout, clock);
        this.publisher = new AtomicPublisher(layout, files, new Catalog(layout, files, lockTimeout), clock);
        this.sweeper = new StagingSweeper(layout, files, claims, clock, lockTimeout);
        this.content = new ContentProcessor(new JsonRecordSplitter(config.json()), config.unpack());
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** Removes the local copies of plugins and reference indexes ({@link Transforms#close()}). */
    public void close() throws IOException {
        transforms.close();
    }

    public EfsLayout layout() {
        return layout;
    }

    /**
     * Runs {@code job}, reading its content from {@code input}.
     *
     * @param owner identifies this attempt in the claim (environment and request id)
     * @throws IOException a transient failure: the caller retries the job later
     */
    public JobOutcome run(Job job, InputSource input, String owner) throws IOException {
        return run(job, input, owner, SuspendCheck.NEVER);
    }

    /**
     * Runs {@code job} until {@code suspend} says to stop: then the job stops at the next clean
     * boundary, saves a checkpoint and returns {@link JobOutcome.Status#SUSPENDED}; the caller sends a
     * continuation (the same job) and the next run resumes from the checkpoint.
     */
    public JobOutcome run(Job job, InputSource input, String owner, SuspendCheck suspend) throws IOException {
        JobClaims.Claim claim = claims.claim(job, owner, config.efs().lease());
        JobRecord record = claim.record();
        switch (claim.decision()) {
            case BUSY -> {
                return new JobOutcome(JobOutcome.Status.BUSY, job.id(), null,
                        "claimed by " + record.owner() + " until " + record.leaseUntil());
            }
            case ALREADY_PUBLISHED -> {
                return new JobOutcome(JobOutcome.Status.DUPLICATE, job.id(), readPublishedManifest(record),
                        "already published as " + record.job().dataset() + "/" + record.version());
            }
            case ALREADY_FAILED -> {
                return new JobOutcome(JobOutcome.Status.DUPLICATE, job.id(), null, "already failed: " + record.reason());
            }
            case ACQUIRED -> {
                if (claim.takenOver()) {
                    LOG.info(() -> "Job " + job.id() + ": took over a claim whose owner is gone (its lease ran out, or its"
                            + " process on this machine no longer exists); attempt " + record.attempts());
                    // Earlier attempts' owners are dead (their leases ran out and they can no longer renew, or their
                    // processes are gone).
                    for (int attempt = 1; attempt < record.attempts(); attempt++) {
                        DurableFiles.deleteTree(layout.staging(job.id(), attempt));
                    }
                }
            }
        }
        Checkpoint checkpoint = claim.resumed() ? adoptCheckpoint(job, record) : null;

        Path staging = layout.staging(job.id(), record.attempts());
        Path published = layout.version(job.dataset(), record.version());
        AtomicReference<IOException> lost = new AtomicReference<>();
        ScheduledFuture<?> renewal = scheduleRenewal(job, owner, lost);
        ProgressWriter progress = new ProgressWriter(job, owner, new ProgressTracker(clock), lost);
        progress.start();
        try {
            Manifest manifest;
            if (Files.exists(published.resolve(EfsLayout.MANIFEST))) {
                // An earlier attempt died after its rename: only the remaining publish steps are left to do.
                manifest = Json.MAPPER.readValue(published.resolve(EfsLayout.MANIFEST).toFile(), Manifest.class);
            } else {
                if (checkpoint == null) {
                    DurableFiles.deleteTree(staging); // only ever this attempt's own directory
                }
                try {
                    manifest = produce(job, record, input, staging, checkpoint, suspend, progress.tracker);
                } catch (Suspension s) {
                    progress.stop();
                    // The record shows how far this invocation got until the next one reports (a short
                    // invocation may end before its first periodic write).
                    claims.suspend(job.id(), owner, progress.tracker.now());
                    return new JobOutcome(JobOutcome.Status.SUSPENDED, job.id(), null, s.getMessage());
                }
            }
            if (lost.get() != null) {
                throw lost.get();
            }
            progress.stop();
            claims.renew(job.id(), owner, config.efs().lease()); // proves the claim is still ours right before the rename
            publisher.publish(staging, manifest, owner);
            claims.markPublished(job.id(), owner, progress.tracker.last(manifest.inputBytes(), manifest.records()));
            return new JobOutcome(JobOutcome.Status.PUBLISHED, job.id(), manifest,
                    "published " + manifest.records() + " records as " + job.dataset() + "/" + record.version());
        } catch (ClaimLostException e) {
            // Our lease ran out (a long pause, a lost renewal): stop, and let the message come back for a
            // fresh claim. Our own staging directory is ours to remove; nothing else is.
            progress.stop();
            DurableFiles.deleteTree(staging);
            throw e;
        } catch (InvalidInputException | JsonProcessingException e) {
            progress.stop();
            DurableFiles.deleteTree(staging);
            // The one place every permanent failure passes: whatever input text its message carries is escaped here.
            String reason = Printable.escape(e.getMessage());
            recordFailure(job, owner, reason);
            return new JobOutcome(JobOutcome.Status.FAILED, job.id(), null, reason);
        } catch (IOException | RuntimeException e) {
            progress.stop();
            DurableFiles.deleteTree(staging);
            try {
                claims.release(job.id(), owner);
            } catch (IOException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        } finally {
            progress.stop();
            renewal.cancel(false);
        }
    }

    /**
     * Writes a running job's progress figures into its job record every {@code PIPELINE_PROGRESS_SECONDS}, on
     * the renewal thread (the reading thread only stores numbers). A write is refused once the claim is lost,
     * and that loss stops the job like a failed renewal. {@link #stop} returns only when no write is running
     * and none will start, so the final state change is the record's last.
     */
    private final class ProgressWriter {
        final ProgressTracker tracker;
        private final Job job;
        private final String owner;
        private final AtomicReference<IOException> lost;
        private ScheduledFuture<?> task;
        private boolean stopped;

        ProgressWriter(Job job, String owner, ProgressTracker tracker, AtomicReference<IOException> lost) {
            this.job = job;
            this.owner = owner;
            this.tracker = tracker;
            this.lost = lost;
        }

        synchronized void start() {
            long every = Math.max(1, config.progressInterval().toMillis());
            task = renewals.scheduleWithFixedDelay(this::write, every, every, TimeUnit.MILLISECONDS);
        }

        private synchronized void write() {
            if (stopped) {
                return;
            }
            var figures = tracker.snapshotIfChanged();
            if (figures == null) {
                return;
            }
            try {
                claims.updateProgress(job.id(), owner, figures);
            } catch (ClaimLostException e) {
                lost.compareAndSet(null, e);
                LOG.warning("Job " + job.id() + ": " + e.getMessage());
            } catch (IOException e) {
                // Figures are for people; the next write brings them up to date. Only a lost claim stops the job.
                LOG.warning("Job " + job.id() + ": progress not recorded (will try again): " + IoErrors.describe(e));
            }
        }

        synchronized void stop() {
            stopped = true;
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    /**
     * Removes staging directories of dead attempts, at most once per {@code interval} in this JVM; the
     * processor handler calls it before each batch.
     */
    public void sweepStagingEvery(Duration interval) {
        Instant now = clock.instant();
        Instant last = lastSweep.get();
        if (last != null && now.isBefore(last.plus(interval)) || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        try {
            sweeper.sweep();
        } catch (IOException e) {
            LOG.warning("Sweeping " + layout.stagingDir() + " failed (will try again later): " + IoErrors.describe(e));
        }
    }

    /** Throws {@link Suspension} once the checkpoint is saved, with a sentence for the log. */
    private Manifest produce(Job job, JobRecord record, InputSource input, Path staging, Checkpoint resume,
                             SuspendCheck suspend, ProgressTracker progress) throws IOException {
        Instant started = clock.instant();
        files.createDirectories(staging);
        long inputBytes = input.size();
        List<TransformSpec> chosen = transforms.chosenFor(job);
        JobTransforms jobTransforms;
        try {
            jobTransforms = transforms.open(chosen, resume == null ? null : resume.lineage());
        } catch (StaleCheckpointException stale) {
            LOG.warning(() -> "Job " + job.id() + ": starting over from the first record: " + stale.getMessage());
            DurableFiles.deleteTree(staging);
            files.createDirectories(staging);
            resume = null;
            jobTransforms = transforms.open(chosen, null);
        }
        StagingOutput.Resume from = resume == null ? null
                : new StagingOutput.Resume(resume.records(), resume.parts(), resume.files(), resume.fields());
        long earlierMs = resume == null ? 0 : resume.processMs();
        int invocations = (resume == null ? 0 : resume.invocations()) + 1;
        try (JobTransforms open = jobTransforms) {
            StagingOutput out = new StagingOutput(staging, files, config.parts().maxBytes(), config.parts().gzip(), from, suspend::due,
                    open.chain());
            progress.countRecordsWith(out::recordsSoFar);
            // What this job costs the file system, for its manifest and ./pipeline plan: EFS meters every byte.
            LongAdder efsRead = new LongAdder();
            InputSource measured = input.onEfs() ? input.counting(efsRead) : input;
            long earlierWritten = resume == null ? 0 : resume.efsBytesWritten();
            long earlierRead = resume == null ? 0 : resume.efsBytesRead();
            try (out) {
                content.process(measured.withProgress(progress), job.recordPointer(), out);
            } catch (Suspension s) {
                long ms = earlierMs + Duration.between(started, clock.instant()).toMillis();
                Checkpoint checkpoint = new Checkpoint(Checkpoint.SCHEMA, job.id(), out.records(), out.parts(), out.files(),
                        out.summary().snapshot(), ms, invocations, clock.instant(), earlierWritten + out.bytesWritten(),
                        earlierRead + efsRead.sum(), open.lineage(out.records(), out.recordsWritten()));
                // What the checkpoint lists must be on disk before the checkpoint says so: small extracted files are
                // not forced as they close (the publish forces the tree), and a continuation never writes them again.
                files.fsyncTree(staging);
                files.writeAtomically(staging.resolve(Checkpoint.FILE), Json.MAPPER.writeValueAsBytes(checkpoint));
                throw new Suspension("suspended after " + out.records() + " records in " + out.parts().size() + " parts ("
                        + s.getMessage() + "); invocation " + invocations);
            }
            Map<String, Long> timings = new LinkedHashMap<>();
            timings.put("process", earlierMs + Duration.between(started, clock.instant()).toMillis());
            Manifest manifest = new Manifest(Manifest.SCHEMA, job.dataset(), record.version(), job.id(), job.source(),
                    clock.instant(), out.recordsWritten(), inputBytes, out.parts(), out.files(), timings, job.recordPointer(),
                    out.summary().snapshot(), invocations, out.metadata(), open.lineage(out.records(), out.recordsWritten()),
                    earlierWritten + out.bytesWritten(), earlierRead + efsRead.sum());
            publisher.writeManifest(staging, manifest);
            return manifest;
        }
    }

    /**
     * Moves the suspended attempt's staging directory (with its checkpoint) to this attempt, and reads the
     * checkpoint. Without one (the suspended attempt died before saving it) the job starts over.
     */
    private Checkpoint adoptCheckpoint(Job job, JobRecord record) throws IOException {
        Path previous = layout.staging(job.id(), record.attempts() - 1);
        Path mine = layout.staging(job.id(), record.attempts());
        Path file = previous.resolve(Checkpoint.FILE);
        if (!Files.exists(file)) {
            DurableFiles.deleteTree(previous);
            return null;
        }
        Checkpoint checkpoint = Json.MAPPER.readValue(file.toFile(), Checkpoint.class);
        DurableFiles.deleteTree(mine);
        files.moveAtomically(previous, mine, false);
        Files.delete(mine.resolve(Checkpoint.FILE));
        LOG.info(() -> "Job " + job.id() + ": resuming from a checkpoint after " + checkpoint.records() + " records in "
                + checkpoint.parts().size() + " parts (invocation " + (checkpoint.invocations() + 1) + ")");
        return checkpoint;
    }

    private void recordFailure(Job job, String owner, String reason) throws IOException {
        LOG.warning(() -> "Job " + job.id() + " (" + job.source().describe() + ") failed permanently: " + reason);
        Path failed = layout.failedRecord(job.id());
        files.createDirectories(failed.getParent());
        files.writeAtomically(failed, Json.MAPPER.writeValueAsBytes(new FailureRecord(job.id(),
                job.source().describe(), job.dataset().value(), reason, clock.instant(), owner)));
        claims.markFailed(job.id(), owner, reason);
    }

    private Manifest readPublishedManifest(JobRecord record) {
        Path manifest = layout.version(record.job().dataset(), record.version()).resolve(EfsLayout.MANIFEST);
        try {
            return Json.MAPPER.readValue(manifest.toFile(), Manifest.class);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Job " + record.id() + " is marked published but " + manifest + " is unreadable", e);
            return null;
        }
    }

    private ScheduledFuture<?> scheduleRenewal(Job job, String owner, AtomicReference<IOException> lost) {
        long every = Math.max(1, config.efs().lease().toMillis() / 3);
        Map<String, String> context = LogContext.current(); // the renewal thread's lines belong to this job and request
        return renewals.scheduleAtFixedRate(() -> {
            try (LogContext.Scope scope = LogContext.restore(context)) {
                claims.renew(job.id(), owner, config.efs().lease());
            } catch (IOException e) {
                lost.compareAndSet(null, e);
                try (LogContext.Scope scope = LogContext.restore(context)) {
                    LOG.warning("Job " + job.id() + ": lease renewal failed: " + IoErrors.describe(e));
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }
}
