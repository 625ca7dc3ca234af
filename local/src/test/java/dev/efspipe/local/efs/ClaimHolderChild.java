package dev.efspipe.local.efs;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobClaims;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Claims a job and keeps renewing its lease every {@code lease/4} until it is killed; prints
 * {@code CLAIMED} once it holds the claim. Arguments: efs dir, lease in milliseconds.
 */
public final class ClaimHolderChild {
    static Job job() {
        return Job.of(UploadSource.s3("uploads", "lease/held.zip", null, "etag", 1), DatasetName.of("held"),
                Instant.parse("2026-11-26T00:00:00Z"));
    }

    public static void main(String[] args) throws Exception {
        EfsLayout layout = new EfsLayout(Path.of(args[0]));
        Duration lease = Duration.ofMillis(Long.parseLong(args[1]));
        JobClaims claims = new JobClaims(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(10), Clock.systemUTC());
        String owner = "holder-" + ProcessHandle.current().pid();
        JobClaims.Claim claim = claims.claim(job(), owner, lease);
        System.out.println(claim.decision() == JobClaims.Decision.ACQUIRED ? "CLAIMED" : "NOT CLAIMED " + claim.decision());
        System.out.flush();
        while (true) {
            Thread.sleep(lease.toMillis() / 4); // a holder's renewal period, not a wait for a condition
            claims.renew(job().id(), owner, lease);
        }
    }
}
