package dev.efspipe.config;

import java.util.Objects;

/**
 * How a function reports what it does: its log format, whether it writes metrics, and under which name.
 *
 * <ul>
 *   <li>{@value #LOG_FORMAT}: {@code JSON} makes every log line a JSON object (Lambda sets it from the
 *       function's {@code LoggingConfig.LogFormat}, which the template sets to JSON; the CLI and the local stack
 *       take it from their own environment). {@code TEXT} or unset: plain text lines.</li>
 *   <li>Metrics (CloudWatch EMF lines) are written with JSON logs, and always in Lambda
 *       ({@value #EXECUTION_ENV} starting {@code AWS_Lambda_}), so that a function deployed with text logs
 *       still feeds its alarms.</li>
 *   <li>{@value #FUNCTION_NAME}: the metrics' {@code Function} dimension (unique per stack in AWS); outside a
 *       function the function's short name.</li>
 *   <li>{@value #DATASET_DIMENSION}: {@code true} also publishes the job metrics per dataset.</li>
 * </ul>
 *
 * @param jsonLogs         JSON log lines instead of text
 * @param metrics          whether EMF lines are written
 * @param function         the Function dimension's value
 * @param datasetDimension whether job metrics are also published per dataset
 */
public record TelemetryConfig(boolean jsonLogs, boolean metrics, String function, boolean datasetDimension) {
    public static final String LOG_FORMAT = "AWS_LAMBDA_LOG_FORMAT";
    public static final String EXECUTION_ENV = "AWS_EXECUTION_ENV";
    public static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";
    public static final String DATASET_DIMENSION = "PIPELINE_METRICS_DATASET_DIMENSION";

    /** Text logs, no metrics (tests and tools that build a function's parts directly). */
    public static TelemetryConfig quiet(String function) {
        return new TelemetryConfig(false, false, function, false);
    }

    public TelemetryConfig {
        Objects.requireNonNull(function, "function");
        if (function.isBlank()) {
            throw new IllegalArgumentException("a function name is needed for the metrics' Function dimension");
        }
    }

    /** @param function the function's short name ({@code ingest}, {@code processor}), used outside Lambda */
    public static TelemetryConfig from(Settings settings, String function) {
        String format = settings.string(LOG_FORMAT, "TEXT");
        if (!format.equalsIgnoreCase("JSON") && !format.equalsIgnoreCase("TEXT")) {
            throw settings.invalid(LOG_FORMAT, format, "must be JSON or TEXT");
        }
        boolean json = format.equalsIgnoreCase("JSON");
        boolean inLambda = settings.optional(EXECUTION_ENV).map(env -> env.startsWith("AWS_Lambda_")).orElse(false);
        String byDataset = settings.string(DATASET_DIMENSION, "false");
        if (!byDataset.equalsIgnoreCase("true") && !byDataset.equalsIgnoreCase("false")) {
            throw settings.invalid(DATASET_DIMENSION, byDataset, "must be true or false");
        }
        return new TelemetryConfig(json, json || inLambda, settings.string(FUNCTION_NAME, function),
                byDataset.equalsIgnoreCase("true"));
    }
}
