package dev.efspipe.processor.config;

import dev.efspipe.config.Settings;

import java.time.Duration;
import java.util.Objects;

/**
 * When a job stops at the next clean boundary, saves a checkpoint and continues in a new invocation.
 *
 * @param margin     a job with less than this left of its invocation stops
 * @param afterBytes a job also stops after writing this many bytes in one invocation (-1: never); for tests
 *                   and for spreading very large jobs over invocations
 */
public record SuspendRule(Duration margin, long afterBytes) {
    public static final String SUSPEND_MARGIN_SECONDS = "PIPELINE_SUSPEND_MARGIN_SECONDS";
    public static final String SUSPEND_AFTER_BYTES = "PIPELINE_SUSPEND_AFTER_BYTES";

    public static final SuspendRule DEFAULT = new SuspendRule(Duration.ofSeconds(120), -1);

    public SuspendRule {
        Objects.requireNonNull(margin, "margin");
    }

    public static SuspendRule from(Settings settings) {
        return new SuspendRule(settings.seconds(SUSPEND_MARGIN_SECONDS, DEFAULT.margin(), 0),
                settings.longValue(SUSPEND_AFTER_BYTES, DEFAULT.afterBytes(), 0, Long.MAX_VALUE, "bytes"));
    }
}
