package dev.efspipe.job;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static dev.efspipe.job.JobClaims.Decision.ACQUIRED;
import static dev.efspipe.job.JobClaims.Decision.ALREADY_FAILED;
import static dev.efspipe.job.JobClaims.Decision.ALREADY_PUBLISHED;
import static dev.efspipe.job.JobClaims.Decision.BUSY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JobClaimsTest {
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Instant START = Instant.parse("2026-11-26T06:15:00Z");
    private static final Job JOB = Job.of(UploadSource.s3("uploads", "a/sales.json", null, "etag-1", 100),
            DatasetName.of("sales"), START);

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(START);
    private EfsLayout layout;
    private JobClaims claims;

    @BeforeEach
    void setUp() {
        layout = new EfsLayout(root);
        claims = new JobClaims(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(5), clock);
    }

    @Test
    void shouldAcquireAndCreateTheRecord_whenFirstClaimed() throws Exception {
        JobClaims.Claim claim = claims.claim(JOB, "proc-a", LEASE);

        assertThat(claim.decision()).isEqualTo(ACQUIRED);
        assertThat(claim.takenOver()).isFalse();
        assertThat(claim.record().attempts()).isEqualTo(1);
        assertThat(claim.record().owner()).isEqualTo("proc-a");
        assertThat(claim.record().leaseUntil()).isEqualTo(START.plus(LEASE));
        assertThat(claim.record().version()).isEqualTo(Version.of(START, JOB.id()));
        assertThat(layout.jobRecord(JOB.id())).isRegularFile();
        assertThat(claims.read(JOB.id())).contains(claim.record());
    }

    @Test
    void shouldReportBusy_whenAnotherOwnerClaimsWhileTheLeaseIsLive() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.minusSeconds(1));

        JobClaims.Claim second = claims.claim(JOB, "proc-b", LEASE);

        assertThat(second.decision()).isEqualTo(BUSY);
        assertThat(second.record().owner()).isEqualTo("proc-a");
        assertThat(claims.read(JOB.id()).orElseThrow().owner()).isEqualTo("proc-a");
    }

    @Test
    void shouldHandTheJobToAnotherOwner_afterTheLeaseExpires() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.plusSeconds(1));

        JobClaims.Claim takeover = claims.claim(JOB, "proc-b", LEASE);

        assertThat(takeover.decision()).isEqualTo(ACQUIRED);
        assertThat(takeover.takenOver()).isTrue();
        assertThat(takeover.record().attempts()).isEqualTo(2);
        assertThat(takeover.record().owner()).isEqualTo("proc-b");
        assertThat(claims.read(JOB.id())).contains(takeover.record());
    }

    @Test
    void shouldTreatTheLeaseAsExpired_atExactlyItsEnd() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE);

        assertThat(claims.claim(JOB, "proc-b", LEASE).decision()).isEqualTo(ACQUIRED);
    }

    @Test
    void shouldKeepTheVersionOfTheFirstClaim_acrossATakeover() throws Exception {
        Version first = claims.claim(JOB, "proc-a", LEASE).record().version();
        clock.advance(Duration.ofHours(3));

        JobClaims.Claim takeover = claims.claim(JOB, "proc-b", LEASE);

        assertThat(takeover.record().version()).isEqualTo(first)
                .isNotEqualTo(Version.of(clock.instant(), JOB.id()));
    }

    @Test
    void shouldReportAlreadyPublished_afterMarkPublished() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        claims.markPublished(JOB.id(), "proc-a");
        clock.advance(LEASE.multipliedBy(10));

        JobClaims.Claim duplicate = claims.claim(JOB, "proc-b", LEASE);

        assertThat(duplicate.decision()).isEqualTo(ALREADY_PUBLISHED);
        assertThat(duplicate.record().state()).isEqualTo(JobRecord.State.PUBLISHED);
    }

    @Test
    void shouldReportAlreadyFailed_afterMarkFailed() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        claims.markFailed(JOB.id(), "proc-a", "entry data.json: nesting depth 1001 exceeds 1000");
        clock.advance(LEASE.multipliedBy(10));

        JobClaims.Claim duplicate = claims.claim(JOB, "proc-b", LEASE);

        assertThat(duplicate.decision()).isEqualTo(ALREADY_FAILED);
        assertThat(duplicate.record().reason()).isEqualTo("entry data.json: nesting depth 1001 exceeds 1000");
    }

    @Test
    void shouldThrowClaimLost_whenAFormerOwnerRenewsAfterATakeover() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.plusSeconds(1));
        claims.claim(JOB, "proc-b", LEASE);

        assertThatThrownBy(() -> claims.renew(JOB.id(), "proc-a", LEASE))
                .isInstanceOf(ClaimLostException.class)
                .hasMessageContaining("proc-a")
                .hasMessageContaining("proc-b");
    }

    @Test
    void shouldThrowClaimLost_whenAFormerOwnerPublishesAfterATakeover() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.plusSeconds(1));
        claims.claim(JOB, "proc-b", LEASE);

        assertThatThrownBy(() -> claims.markPublished(JOB.id(), "proc-a")).isInstanceOf(ClaimLostException.class);
        assertThat(claims.read(JOB.id()).orElseThrow().state()).isEqualTo(JobRecord.State.CLAIMED);
    }

    @Test
    void shouldThrowClaimLost_whenTheOwnerRenewsAfterItsLeaseRanOut_evenWithoutATakeover() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.plusSeconds(1));

        assertThatThrownBy(() -> claims.renew(JOB.id(), "proc-a", LEASE)).isInstanceOf(ClaimLostException.class);
    }

    @Test
    void shouldThrowClaimLost_whenAPublishedJobIsMarkedAgain() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        claims.markPublished(JOB.id(), "proc-a");

        assertThatThrownBy(() -> claims.markFailed(JOB.id(), "proc-a", "late")).isInstanceOf(ClaimLostException.class);
        assertThat(claims.read(JOB.id()).orElseThrow().state()).isEqualTo(JobRecord.State.PUBLISHED);
    }

    @Test
    void shouldExtendTheLease_whenTheOwnerRenews() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.minusSeconds(10));
        claims.renew(JOB.id(), "proc-a", LEASE);
        clock.advance(Duration.ofSeconds(20)); // past the first lease, inside the renewed one

        assertThat(claims.claim(JOB, "proc-b", LEASE).decision()).isEqualTo(BUSY);
    }

    @Test
    void shouldLetAnotherOwnerClaimImmediately_afterRelease() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);

        claims.release(JOB.id(), "proc-a");
        JobClaims.Claim next = claims.claim(JOB, "proc-b", LEASE);

        assertThat(next.decision()).isEqualTo(ACQUIRED);
        assertThat(next.record().owner()).isEqualTo("proc-b");
    }

    @Test
    void shouldIgnoreARelease_byAnOwnerThatDoesNotHoldTheClaim() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);

        claims.release(JOB.id(), "proc-b");

        assertThat(claims.claim(JOB, "proc-c", LEASE).decision()).isEqualTo(BUSY);
    }

    @Test
    void shouldLeaveNoTemporaryFilesInTheShard_afterStateChanges() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        claims.renew(JOB.id(), "proc-a", LEASE);
        claims.markPublished(JOB.id(), "proc-a");

        try (var listing = Files.list(layout.jobShard(JOB.id()))) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(".lock", JOB.id().value() + ".json");
        }
    }

    @Test
    void shouldReadNothing_forAJobNeverClaimed() throws Exception {
        assertThat(claims.read(JOB.id())).isEmpty();
    }

    @Test
    void shouldRecordProgress_andKeepTheLease_whileTheOwnerHoldsTheClaim() throws Exception {
        JobRecord claimed = claims.claim(JOB, "proc-a", LEASE).record();
        clock.advance(Duration.ofSeconds(2));
        JobProgress progress = JobProgress.of(40, 100, 7, Duration.ofSeconds(2), clock.instant());

        JobRecord updated = claims.updateProgress(JOB.id(), "proc-a", progress);

        assertThat(updated.progress()).isEqualTo(progress);
        assertThat(updated.leaseUntil()).isEqualTo(claimed.leaseUntil());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(claims.read(JOB.id()).orElseThrow()).isEqualTo(updated);
    }

    @Test
    void shouldRefuseProgressFromAnOwnerThatLostTheClaim_leavingTheSuccessorsRecord() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        clock.advance(LEASE.plusSeconds(1));
        JobRecord successor = claims.claim(JOB, "proc-b", LEASE).record();
        JobProgress late = JobProgress.of(90, 100, 70, Duration.ofSeconds(60), clock.instant());

        assertThatThrownBy(() -> claims.updateProgress(JOB.id(), "proc-a", late))
                .isInstanceOf(ClaimLostException.class)
                .hasMessageContaining("proc-a no longer holds the claim");
        assertThat(claims.read(JOB.id())).contains(successor);
    }

    @Test
    void shouldRefuseProgressAfterTheLeaseRanOut_evenBeforeATakeover() throws Exception {
        JobRecord claimed = claims.claim(JOB, "proc-a", LEASE).record();
        clock.advance(LEASE.plusSeconds(1));

        assertThatThrownBy(() -> claims.updateProgress(JOB.id(), "proc-a",
                JobProgress.of(1, 100, 0, Duration.ofSeconds(61), clock.instant())))
                .isInstanceOf(ClaimLostException.class);
        assertThat(claims.read(JOB.id())).contains(claimed);
    }

    @Test
    void shouldKeepTheFinalProgress_whenMarkedPublished() throws Exception {
        claims.claim(JOB, "proc-a", LEASE);
        JobProgress last = JobProgress.of(100, 100, 9, Duration.ofSeconds(1), clock.instant());

        JobRecord published = claims.markPublished(JOB.id(), "proc-a", last);

        assertThat(published.state()).isEqualTo(JobRecord.State.PUBLISHED);
        assertThat(published.progress()).isEqualTo(last);
        assertThat(claims.read(JOB.id())).contains(published);
    }

    @Test
    void shouldTakeOverAtOnce_whenTheOwnerIsALocalProcessThatIsGone() throws Exception {
        assumeTrue(LocalProcess.current().isPresent(), "no /proc here: no local owners");
        claims = new JobClaims(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(5), clock);
        Process killed = new ProcessBuilder("sleep", "60").start();
        LocalProcess me = LocalProcess.current().orElseThrow();
        String deadOwner = "cli/" + killed.pid() + " (pid " + killed.pid() + ", started "
                + killed.info().startInstant().orElseThrow() + ", boot " + me.bootId() + ", pidns " + me.pidNamespace() + ")";
        claims.claim(JOB, deadOwner, LEASE);
        killed.destroyForcibly();
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();

        JobClaims.Claim taken = claims.claim(JOB, "proc-b", LEASE);

        assertThat(taken.decision()).as("with the lease still live").isEqualTo(ACQUIRED);
        assertThat(taken.takenOver()).isTrue();
        assertThat(taken.record().attempts()).isEqualTo(2);
    }

    @Test
    void shouldStayBusy_whenTheOwnerIsALocalProcessThatIsAlive() throws Exception {
        assumeTrue(LocalProcess.current().isPresent(), "no /proc here: no local owners");
        claims.claim(JOB, LocalProcess.ownerName("cli/other-thread", Map.of()), LEASE);

        assertThat(claims.claim(JOB, "proc-b", LEASE).decision()).isEqualTo(BUSY);
    }
}
