package dev.efspipe.job;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which local owners are known to be gone, with real processes. */
class LocalProcessTest {
    private LocalProcess me;

    @BeforeEach
    void needsProc() {
        assumeTrue(LocalProcess.current().isPresent(), "no /proc boot id and pid namespace here: owners carry no tag");
        me = LocalProcess.current().orElseThrow();
    }

    /** A real process that ran and was killed (and reaped): its pid and start time as its owner string named them. */
    private static LocalProcess deadProcess() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        Instant started = p.info().startInstant().orElseThrow();
        long pid = p.pid();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        LocalProcess self = LocalProcess.current().orElseThrow();
        return new LocalProcess(pid, started, self.bootId(), self.pidNamespace());
    }

    @Test
    void shouldTagTheOwnerWithPidStartBootAndPidNamespace_outsideLambda() {
        String owner = LocalProcess.ownerName("cli/" + me.pid(), Map.of());

        assertThat(owner).startsWith("cli/" + me.pid() + " (pid " + me.pid() + ", started ").contains("boot " + me.bootId());
        assertThat(LocalProcess.parse(owner)).contains(me);
    }

    @Test
    void shouldNotTagTheOwner_inLambda() {
        for (Map<String, String> lambda : List.of(Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"),
                Map.of("AWS_EXECUTION_ENV", "AWS_Lambda_java21", "AWS_LAMBDA_FUNCTION_NAME", "processor"))) {
            String owner = LocalProcess.ownerName("env-1/request-1", lambda);

            assertThat(owner).as("owner in %s", lambda).isEqualTo("env-1/request-1");
            assertThat(LocalProcess.parse(owner)).isEmpty();
            assertThat(LocalProcess.isGone(owner)).isFalse();
        }
    }

    @Test
    void shouldTagTheOwner_ofALocalStackFunction() {
        // The local stack hands its functions a Lambda-like environment with a function name: still this process.
        String owner = LocalProcess.ownerName("env-1/request-1", Map.of("AWS_LAMBDA_FUNCTION_NAME", "processor"));

        assertThat(LocalProcess.parse(owner)).contains(me);
    }

    @Test
    void shouldSeeALiveProcessAsAlive() {
        assertThat(LocalProcess.isGone(LocalProcess.ownerName("cli/" + me.pid(), Map.of()))).isFalse();
    }

    @Test
    void shouldSeeAKilledProcessAsGone() throws Exception {
        LocalProcess dead = deadProcess();

        assertThat(LocalProcess.isGone("cli/" + dead.pid() + dead.tag())).isTrue();
    }

    @Test
    void shouldSeeAReusedPidAsGone_byItsStartTime() {
        // This JVM's pid, as if an earlier process with the same pid had owned the claim an hour ago.
        LocalProcess earlier = new LocalProcess(me.pid(), me.started().minus(Duration.ofHours(1)), me.bootId(), me.pidNamespace());

        assertThat(LocalProcess.isGone("cli/" + me.pid() + earlier.tag())).isTrue();
    }

    @Test
    void shouldNotJudgeAnOwnerOfAnotherBootOrPidNamespace() throws Exception {
        LocalProcess dead = deadProcess();
        LocalProcess otherBoot = new LocalProcess(dead.pid(), dead.started(), "00000000-0000-0000-0000-000000000000", dead.pidNamespace());
        LocalProcess otherNamespace = new LocalProcess(dead.pid(), dead.started(), dead.bootId(), "1");

        assertThat(LocalProcess.isGone("cli" + otherBoot.tag())).as("another machine, or before a reboot").isFalse();
        assertThat(LocalProcess.isGone("cli" + otherNamespace.tag())).as("another container's pids").isFalse();
    }

    @Test
    void shouldNotJudgeAnUntaggedOwner() throws Exception {
        LocalProcess dead = deadProcess();

        assertThat(LocalProcess.isGone("cli/" + dead.pid())).isFalse();
        assertThat(LocalProcess.isGone("cli (pid x, started never, boot ?, pidns ?)")).isFalse();
    }
}
