package dev.efspipe.processor.config;

import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.config.Settings;
import dev.efspipe.config.TelemetryConfig;
import dev.efspipe.processor.json.JsonLimits;
import dev.efspipe.processor.limits.UnpackLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the processor reads from its environment, one typed record per concern, each read by
 * {@link Settings} in {@link #from(Settings)} (the only place): the Lambda, the local stack and
 * {@code ./pipeline process} all build it there.
 *
 * @param efs             the file system: root, modes, lease, lock timeout
 * @param clients         region and endpoint overrides of the S3 and SQS clients
 * @param processQueueUrl where a suspended job's continuation is sent, or null (then a suspended job cannot
 *                        continue: required in a function)
 * @param parts           part file size and compression
 * @param suspend         when a job stops at a checkpoint
 * @param json            the limits JSON documents are read under
 * @param unpack          what an archive or compressed upload may expand to
 * @param progressInterval how often a running job's record gets fresh progress figures, at most
 * @param telemetry       log format and metrics
 * @param transforms      the record transforms of uploads whose announcement chose none, by key prefix
 */
public record ProcessorConfig(EfsConfig efs, ClientConfig clients, String processQueueUrl, PartFormat parts,
                              SuspendRule suspend, JsonLimits json, UnpackLimits unpack, Duration progressInterval,
                              TelemetryConfig telemetry, TransformRules transforms) {
    public static final String PROCESS_QUEUE_URL = ClientConfig.PROCESS_QUEUE_URL;
    /** Set by Lambda in every function's environment; the local stack sets it for its functions too. */
    public static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";
    public static final String PROGRESS_SECONDS = "PIPELINE_PROGRESS_SECONDS";
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

    public ProcessorConfig {
        Objects.requireNonNull(efs, "efs");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(parts, "parts");
        Objects.requireNonNull(suspend, "suspend");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(unpack, "unpack");
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("progress interval (" + progressInterval + ") must be positive");
        }
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(transforms, "transforms");
    }

    /** The defaults with the given EFS root (tests). */
    public static ProcessorConfig forEfsRoot(Path root) {
        return new ProcessorConfig(EfsConfig.at(root), ClientConfig.DEFAULT, null, PartFormat.DEFAULT, SuspendRule.DEFAULT,
                JsonLimits.DEFAULTS, UnpackLimits.defaults(), DEFAULT_PROGRESS_INTERVAL, TelemetryConfig.quiet("processor"),
                TransformRules.NONE);
    }

    /**
     * Reads every processor variable. In a function ({@value #FUNCTION_NAME} set) the process queue is
     * required: a job that runs out of time sends its continuation there.
     */
    public static ProcessorConfig from(Settings settings) {
        boolean inFunction = settings.optional(FUNCTION_NAME).isPresent();
        Optional<String> queue = settings.optional(PROCESS_QUEUE_URL);
        if (inFunction && queue.isEmpty()) {
            settings.required(PROCESS_QUEUE_URL, "the processor function sends a suspended job's continuation there");
        }
        return new ProcessorConfig(EfsConfig.from(settings), ClientConfig.from(settings), queue.orElse(null),
                PartFormat.from(settings), SuspendRule.from(settings), JsonLimits.from(settings), UnpackLimits.from(settings),
                settings.seconds(PROGRESS_SECONDS, DEFAULT_PROGRESS_INTERVAL, 1), TelemetryConfig.from(settings, "processor"),
                TransformRules.from(settings));
    }

    public Path efsRoot() {
        return efs.root();
    }

    public ProcessorConfig withPartMaxBytes(long bytes) {
        return new ProcessorConfig(efs, clients, processQueueUrl, new PartFormat(bytes, parts.gzip()), suspend, json, unpack,
                progressInterval, telemetry, transforms);
    }

    public ProcessorConfig withGzipParts(boolean gzip) {
        return new ProcessorConfig(efs, clients, processQueueUrl, new PartFormat(parts.maxBytes(), gzip), suspend, json, unpack,
                progressInterval, telemetry, transforms);
    }

    public ProcessorConfig withEfs(EfsConfig newEfs) {
        return new ProcessorConfig(newEfs, clients, processQueueUrl, parts, suspend, json, unpack, progressInterval, telemetry, transforms);
    }

    public ProcessorConfig withSuspend(SuspendRule rule) {
        return new ProcessorConfig(efs, clients, processQueueUrl, parts, rule, json, unpack, progressInterval, telemetry, transforms);
    }

    public ProcessorConfig withJson(JsonLimits limits) {
        return new ProcessorConfig(efs, clients, processQueueUrl, parts, suspend, limits, unpack, progressInterval, telemetry, transforms);
    }

    public ProcessorConfig withProgressInterval(Duration interval) {
        return new ProcessorConfig(efs, clients, processQueueUrl, parts, suspend, json, unpack, interval, telemetry, transforms);
    }

    public ProcessorConfig withTransforms(TransformRules rules) {
        return new ProcessorConfig(efs, clients, processQueueUrl, parts, suspend, json, unpack, progressInterval, telemetry, rules);
    }

    public ProcessorConfig withUnpack(UnpackLimits limits) {
        return new ProcessorConfig(efs, clients, processQueueUrl, parts, suspend, json, limits, progressInterval, telemetry, transforms);
    }
}
