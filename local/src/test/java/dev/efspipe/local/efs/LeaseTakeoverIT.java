package dev.efspipe.local.efs;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.JobClaims;
import dev.efspipe.job.JobRecord;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.local.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job whose owner process died is taken over once its lease runs out, and not before, when the owner does not
 * name a local process (as a Lambda environment's owner never does): only the lease can tell that it is dead.
 * {@link LocalOwnerTakeoverIT} is the other case.
 */
class LeaseTakeoverIT {
    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void claimOfAKilledOwnerIsTakenOverAfterTheLeaseAndNotBefore(@TempDir Path efs) throws Exception {
        Path log = efs.resolveSibling(efs.getFileName() + "-holder.log");
        Process holder = ChildJvm.main(ClaimHolderChild.class, log, Map.of(), efs.toString(), Long.toString(LEASE.toMillis()));
        Await.untilLogSays(holder, log, "CLAIMED", Duration.ofSeconds(60));
        EfsLayout layout = new EfsLayout(efs);
        JobClaims claims = new JobClaims(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(10), Clock.systemUTC());

        // While the holder is alive its renewals keep the lease live: no takeover.
        assertThat(claims.claim(ClaimHolderChild.job(), "taker", LEASE).decision()).isEqualTo(JobClaims.Decision.BUSY);

        holder.destroyForcibly();
        holder.waitFor(30, TimeUnit.SECONDS);
        JobRecord afterKill = claims.read(ClaimHolderChild.job().id()).orElseThrow();
        assertThat(Instant.now()).as("the dead owner's lease is still running").isBefore(afterKill.leaseUntil());
        assertThat(claims.claim(ClaimHolderChild.job(), "taker", LEASE).decision())
                .as("before the lease runs out").isEqualTo(JobClaims.Decision.BUSY);

        while (!Instant.now().isAfter(afterKill.leaseUntil())) {
            Thread.sleep(Math.max(1, Duration.between(Instant.now(), afterKill.leaseUntil()).toMillis() + 1));
        }
        JobClaims.Claim taken = claims.claim(ClaimHolderChild.job(), "taker", LEASE);
        assertThat(taken.decision()).isEqualTo(JobClaims.Decision.ACQUIRED);
        assertThat(taken.takenOver()).isTrue();
        assertThat(taken.record().owner()).isEqualTo("taker");
        assertThat(taken.record().attempts()).isEqualTo(2);
        assertThat(taken.record().version()).as("the version fixed by the first claim").isEqualTo(afterKill.version());
    }
}
