package dev.efspipe.processor.input;

/**
 * Listens to how far the reading of an upload has come, counted on the bytes read from its source (a file
 * or an S3 object): for a zip that is the central directory and then each entry's compressed data, for a
 * stream everything from the first byte to the last. Called on the reading thread after every read, so it
 * must be cheap; a listener that prints throttles itself.
 *
 * <p>Hooked up with {@link InputSource#withProgress(Progress)}; {@code ./pipeline process} draws a progress
 * bar with it, and the processor always logs through {@link ProgressLog}.
 */
@FunctionalInterface
public interface Progress {
    /** Does nothing. */
    Progress NONE = (done, total) -> { };

    /**
     * @param done  bytes read from the source so far; a few are read twice (the first 512 bytes, to detect the
     *              format; a zip's central directory and local headers), so it may end a little above {@code total}
     * @param total the source's size in bytes
     */
    void bytesRead(long done, long total);
}
