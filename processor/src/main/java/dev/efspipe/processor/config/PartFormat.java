package dev.efspipe.processor.config;

import dev.efspipe.config.Settings;

/**
 * How records are written: NDJSON part files of bounded size, optionally gzip-compressed.
 *
 * @param maxBytes a part closes at the first record that brings it to this many (uncompressed) bytes
 * @param gzip     whether parts are written as {@code part-NNNNN.ndjson.gz}
 */
public record PartFormat(long maxBytes, boolean gzip) {
    public static final String PART_MAX_BYTES = "PIPELINE_PART_MAX_BYTES";
    public static final String PART_COMPRESSION = "PIPELINE_PART_COMPRESSION";

    public static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;
    public static final PartFormat DEFAULT = new PartFormat(DEFAULT_MAX_BYTES, false);

    /** The values {@value #PART_COMPRESSION} takes. */
    public enum Compression { NONE, GZIP }

    public PartFormat {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("part size (" + maxBytes + " bytes) must be at least 1024 bytes");
        }
    }

    public static PartFormat from(Settings settings) {
        return new PartFormat(settings.longValue(PART_MAX_BYTES, DEFAULT_MAX_BYTES, 1024, Long.MAX_VALUE, "bytes"),
                settings.choice(PART_COMPRESSION, Compression.NONE) == Compression.GZIP);
    }
}
