package dev.efspipe.job;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far a running job has come, as its job record shows it ({@code "progress"}): kept current by the
 * processor while it works, at most once per {@code PIPELINE_PROGRESS_SECONDS}.
 *
 * @param bytesRead      bytes of the upload read so far in this attempt (a zip's central directory is read
 *                       twice, so the count is capped at {@code totalBytes})
 * @param totalBytes     the upload's size
 * @param records        records written so far (a resumed job counts those of its earlier invocations)
 * @param percent        {@code bytesRead} of {@code totalBytes} in percent, one decimal; null for an empty upload
 * @param bytesPerSecond read rate of this attempt so far
 * @param updatedAt      when these figures were taken
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobProgress(long bytesRead, long totalBytes, long records, Double percent, long bytesPerSecond,
                          Instant updatedAt) {
    public JobProgress {
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (bytesRead < 0 || totalBytes < 0 || records < 0 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("Negative progress: " + bytesRead + " of " + totalBytes + " bytes, "
                    + records + " records, " + bytesPerSecond + " bytes/s");
        }
    }

    /**
     * Figures from the raw counts: {@code bytesRead} capped at {@code totalBytes}, the percentage and the rate
     * over {@code elapsed}.
     */
    public static JobProgress of(long bytesRead, long totalBytes, long records, Duration elapsed, Instant at) {
        long shown = totalBytes > 0 ? Math.min(bytesRead, totalBytes) : bytesRead;
        Double percent = totalBytes > 0 ? Math.round(shown * 1000.0 / totalBytes) / 10.0 : null;
        long millis = Math.max(1, elapsed.toMillis());
        long rate = (long) (bytesRead * 1000.0 / millis);
        return new JobProgress(shown, totalBytes, records, percent, rate, at);
    }
}
