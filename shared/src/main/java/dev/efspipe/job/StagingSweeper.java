package dev.efspipe.job;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.JobId;
import dev.efspipe.lock.FileLocks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes staging directories that nobody is working in any more: those of attempts whose owner died
 * (the lease ran out), of jobs already published or failed, and leftovers with no job record. A staging
 * directory is kept while its attempt's claim has a live lease.
 *
 * <p>The check and the removal happen under the job's shard lock, the lock every claim takes, so a
 * processor cannot take a job over in between. Run by {@code ./pipeline up} at start and by the
 * processor from time to time.
 */
public final class StagingSweeper {
    private static final Logger LOG = Logger.getLogger(StagingSweeper.class.getName());
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{32})\\.(\\d{1,9})");

    private final EfsLayout layout;
    private final DurableFiles files;
    private final JobClaims claims;
    private final Clock clock;
    private final Duration lockTimeout;

    public StagingSweeper(EfsLayout layout, DurableFiles files, JobClaims claims, Clock clock, Duration lockTimeout) {
        this.layout = layout;
        this.files = files;
        this.claims = claims;
        this.clock = clock;
        this.lockTimeout = lockTimeout;
    }

    /** Sweeps once; returns the directories removed. */
    public List<Path> sweep() throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(layout.stagingDir())) {
            return removed;
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.stagingDir())) {
            dirs.forEach(candidates::add);
        }
        for (Path dir : candidates) {
            Matcher m = NAME.matcher(dir.getFileName().toString());
            if (!m.matches()) {
                LOG.warning("Leaving " + dir + " alone: not a staging directory name (<jobId>.<attempt>)");
                continue;
            }
            JobId id = new JobId(m.group(1));
            int attempt = Integer.parseInt(m.group(2));
            files.createDirectories(layout.jobShard(id));
            try (var lock = FileLocks.exclusive(layout.jobShardLock(id), lockTimeout)) {
                Optional<JobRecord> record = claims.read(id);
                boolean live = record.isPresent() && record.get().attempts() == attempt
                        && (record.get().leaseLiveAt(clock.instant()) || record.get().state() == JobRecord.State.SUSPENDED);
                if (!live) {
                    DurableFiles.deleteTree(dir);
                    removed.add(dir);
                    LOG.info(() -> "Removed stale staging directory " + dir + " (" + record.map(r -> r.state()
                            + (r.state() == JobRecord.State.CLAIMED ? ", attempt " + r.attempts() + ", lease until " + r.leaseUntil() : ""))
                            .orElse("no job record") + ")");
                }
            }
        }
        return removed;
    }
}
