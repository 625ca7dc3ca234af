package dev.efspipe.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process on this machine, as a claim's owner names it: pid, start time, the kernel's boot id and the pid
 * namespace. A claim whose owner is a process of this boot and pid namespace that no longer exists (or whose pid
 * now belongs to a process started at another time) has a dead owner, and can be taken over at once instead of
 * waiting for its lease to run out: that is what lets {@code ./pipeline process} be re-run right after it was
 * killed.
 *
 * <p>Only a claimant in the same boot <em>and</em> pid namespace can judge: pids mean nothing across machines
 * (EFS is shared by many), across reboots, or across containers with their own pid namespace on one host. Lambda
 * owners never carry the tag ({@link #ownerName}): an execution environment restored from a snapshot may share
 * its boot id with others, so their claims keep the lease rule. Where {@code /proc} does not tell (not Linux),
 * there is no tag and the lease rule applies.
 *
 * <p>The tag ends the owner string: {@code cli (pid 4242, started 2026-12-01T19:42:59.120Z, boot 6f1c…, pidns
 * 4026531836)}.
 */
public record LocalProcess(long pid, Instant started, String bootId, String pidNamespace) {
    private static final Pattern TAG = Pattern.compile(
            " \\(pid (\\d+), started (\\S+), boot ([0-9a-f-]{8,64}), pidns (\\d+)\\)$");
    /** Start times read twice for one process agree; a pid reused by a later process starts later than this. */
    private static final Duration SAME_START = Duration.ofSeconds(1);
    private static final Optional<LocalProcess> CURRENT = readCurrent();

    /** This JVM, where {@code /proc} names its boot and pid namespace. */
    public static Optional<LocalProcess> current() {
        return CURRENT;
    }

    /**
     * The owner name for a claim made by this process: {@code label} with the tag, or {@code label} alone in a
     * Lambda execution environment or where the tag is unavailable. Lambda is recognised by what only its runtime
     * sets in {@code env}: {@code AWS_LAMBDA_RUNTIME_API}, or an {@code AWS_EXECUTION_ENV} of {@code AWS_Lambda_…}.
     * A function name alone does not count: the local stack names its functions as Lambda does, and its claims are
     * a local process's.
     */
    public static String ownerName(String label, Map<String, String> env) {
        return ownerNames(env).apply(label);
    }

    /** {@link #ownerName} with the environment looked at once, for a handler that names an owner per batch. */
    public static UnaryOperator<String> ownerNames(Map<String, String> env) {
        String executionEnv = env.get("AWS_EXECUTION_ENV");
        boolean lambda = env.get("AWS_LAMBDA_RUNTIME_API") != null || (executionEnv != null && executionEnv.startsWith("AWS_Lambda_"));
        if (lambda || CURRENT.isEmpty()) {
            return label -> label;
        }
        String tag = CURRENT.get().tag();
        return label -> label + tag;
    }

    /** The process an owner string names, if it carries the tag. */
    public static Optional<LocalProcess> parse(String owner) {
        Matcher m = TAG.matcher(owner);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LocalProcess(Long.parseLong(m.group(1)), Instant.parse(m.group(2)), m.group(3), m.group(4)));
        } catch (RuntimeException e) {
            return Optional.empty(); // not our tag after all: judge it by its lease
        }
    }

    /**
     * Whether {@code owner} names a process that this process can see is gone: same boot, same pid namespace, and
     * no process with that pid, or one that started at another time. False whenever it cannot tell.
     */
    public static boolean isGone(String owner) {
        Optional<LocalProcess> me = CURRENT;
        Optional<LocalProcess> them = parse(owner);
        return me.isPresent() && them.isPresent() && me.get().sameHostAs(them.get()) && them.get().isGone();
    }

    boolean sameHostAs(LocalProcess other) {
        return bootId.equals(other.bootId) && pidNamespace.equals(other.pidNamespace);
    }

    /** Whether this pid is free, or taken by a process that started at another time (only meaningful on this host). */
    boolean isGone() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        Optional<Instant> start = handle.get().info().startInstant();
        return start.isPresent() && Duration.between(start.get(), started).abs().compareTo(SAME_START) > 0;
    }

    String tag() {
        return " (pid " + pid + ", started " + started + ", boot " + bootId + ", pidns " + pidNamespace + ")";
    }

    private static Optional<LocalProcess> readCurrent() {
        try {
            ProcessHandle me = ProcessHandle.current();
            Optional<Instant> start = me.info().startInstant();
            Path bootFile = Path.of("/proc/sys/kernel/random/boot_id");
            Path ns = Path.of("/proc/self/ns/pid");
            if (start.isEmpty() || !Files.isReadable(bootFile) || !Files.exists(ns)) {
                return Optional.empty();
            }
            String boot = Files.readString(bootFile).trim();
            Matcher inode = Pattern.compile("pid:\\[(\\d+)]").matcher(Files.readSymbolicLink(ns).toString());
            if (!inode.matches() || !boot.matches("[0-9a-f-]{8,64}")) {
                return Optional.empty();
            }
            return Optional.of(new LocalProcess(me.pid(), start.get().truncatedTo(ChronoUnit.MILLIS), boot, inode.group(1)));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
