package dev.efspipe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pipeline uses the shared file system: where it is mounted, the modes of what it creates, how long a
 * job claim lives, and how long a writer waits for a file lock.
 *
 * @param root        root of the EFS access point ({@code /mnt/pipeline} in Lambda)
 * @param permissions modes for what the pipeline creates on EFS
 * @param lease       how long a job claim lives without renewal
 * @param lockTimeout how long a writer waits for a file lock before it gives up with an error
 */
public record EfsConfig(Path root, Permissions permissions, Duration lease, Duration lockTimeout) {
    public static final String EFS_ROOT = "PIPELINE_EFS_ROOT";
    public static final String LEASE_SECONDS = "PIPELINE_LEASE_SECONDS";
    public static final String LOCK_TIMEOUT_SECONDS = "PIPELINE_LOCK_TIMEOUT_SECONDS";

    static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    public EfsConfig {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease (" + lease + ") must be positive");
        }
    }

    /** The defaults with the given root: what {@code ./pipeline process} and tests use. */
    public static EfsConfig at(Path root) {
        return new EfsConfig(root, Permissions.DEFAULT, DEFAULT_LEASE, DEFAULT_LOCK_TIMEOUT);
    }

    public static EfsConfig from(Settings settings) {
        return new EfsConfig(
                Path.of(settings.string(EFS_ROOT, "/mnt/pipeline")),
                Permissions.from(settings),
                settings.seconds(LEASE_SECONDS, DEFAULT_LEASE, 1),
                settings.seconds(LOCK_TIMEOUT_SECONDS, DEFAULT_LOCK_TIMEOUT, 0));
    }

    public EfsConfig withLease(Duration newLease) {
        return new EfsConfig(root, permissions, newLease, lockTimeout);
    }
}
