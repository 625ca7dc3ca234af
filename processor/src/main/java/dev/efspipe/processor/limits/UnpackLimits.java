package dev.efspipe.processor.limits;

import dev.efspipe.config.Settings;

/**
 * What one upload may expand to, in the manner of Jackson's {@code StreamReadConstraints}: an immutable set
 * of {@link Limit}s, each with its value and where that value came from. Every limit is counted on the
 * bytes actually produced, never on sizes an archive declares (see {@link UnpackBudget}).
 *
 * <table>
 *   <caption>The limits, their defaults and environment variables</caption>
 *   <tr><th>limit</th><th>default</th><th>variable</th></tr>
 *   <tr><td>bytes of one entry</td><td>16 GiB</td><td>{@value #MAX_ENTRY_BYTES}</td></tr>
 *   <tr><td>bytes of all entries of one job</td><td>32 GiB</td><td>{@value #MAX_TOTAL_BYTES}</td></tr>
 *   <tr><td>ratio of one entry (bytes out / compressed bytes, zip)</td><td>200</td><td>{@value #MAX_ENTRY_RATIO}</td></tr>
 *   <tr><td>ratio of the job (bytes out / bytes of the upload read)</td><td>200</td><td>{@value #MAX_TOTAL_RATIO}</td></tr>
 *   <tr><td>entries (files, directories, anything)</td><td>100,000</td><td>{@value #MAX_ENTRIES}</td></tr>
 *   <tr><td>characters of an entry's name</td><td>1024</td><td>{@value #MAX_NAME_LENGTH}</td></tr>
 *   <tr><td>segments of an entry's path</td><td>64</td><td>{@value #MAX_PATH_DEPTH}</td></tr>
 * </table>
 *
 * <p>Two more are fixed by the code, not by the environment: the ratios are only checked once an entry (or
 * the job) has produced more than {@link #ratioGraceBytes() 8 MiB}, so a small, very compressible file is not
 * mistaken for a bomb; and an xz stream may ask for at most {@link #maxXzMemoryKib() 64 MiB} of decoder
 * memory (xz -9 needs 64 MiB; a hostile header can ask for gigabytes). Archives inside archives are never
 * unpacked: they are kept as files.
 */
public final class UnpackLimits {
    public static final String MAX_ENTRY_BYTES = "PIPELINE_MAX_ENTRY_BYTES";
    public static final String MAX_TOTAL_BYTES = "PIPELINE_MAX_TOTAL_BYTES";
    public static final String MAX_ENTRY_RATIO = "PIPELINE_MAX_ENTRY_RATIO";
    public static final String MAX_TOTAL_RATIO = "PIPELINE_MAX_TOTAL_RATIO";
    public static final String MAX_ENTRIES = "PIPELINE_MAX_ENTRIES";
    public static final String MAX_NAME_LENGTH = "PIPELINE_MAX_NAME_LENGTH";
    public static final String MAX_PATH_DEPTH = "PIPELINE_MAX_PATH_DEPTH";

    static final String DEFAULT = Settings.DEFAULT;
    static final String CALLER = "the caller";

    private static final long GIB = 1L << 30;
    private static final UnpackLimits DEFAULTS = new Builder().build();

    private final Limit maxEntryBytes;
    private final Limit maxTotalBytes;
    private final Limit maxEntryRatio;
    private final Limit maxTotalRatio;
    private final Limit maxEntries;
    private final Limit maxNameLength;
    private final Limit maxPathDepth;
    private final Limit ratioGraceBytes;
    private final Limit maxXzMemoryKib;

    private UnpackLimits(Builder b) {
        this.maxEntryBytes = b.maxEntryBytes;
        this.maxTotalBytes = b.maxTotalBytes;
        this.maxEntryRatio = b.maxEntryRatio;
        this.maxTotalRatio = b.maxTotalRatio;
        this.maxEntries = b.maxEntries;
        this.maxNameLength = b.maxNameLength;
        this.maxPathDepth = b.maxPathDepth;
        this.ratioGraceBytes = b.ratioGraceBytes;
        this.maxXzMemoryKib = b.maxXzMemoryKib;
    }

    /** The defaults: safe for a Lambda function with a few GB of memory and an EFS file system. */
    public static UnpackLimits defaults() {
        return DEFAULTS;
    }

    /** Starts from the defaults; every value set through the builder is said to come from "the caller". */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxEntryBytes = maxEntryBytes;
        b.maxTotalBytes = maxTotalBytes;
        b.maxEntryRatio = maxEntryRatio;
        b.maxTotalRatio = maxTotalRatio;
        b.maxEntries = maxEntries;
        b.maxNameLength = maxNameLength;
        b.maxPathDepth = maxPathDepth;
        b.ratioGraceBytes = ratioGraceBytes;
        b.maxXzMemoryKib = maxXzMemoryKib;
        return b;
    }

    /**
     * Reads the {@code PIPELINE_MAX_*} variables; a variable that is not set keeps its default. A value that is
     * not a whole number of at least 1 is a configuration error, reported at initialisation rather than on the
     * first job.
     */
    public static UnpackLimits from(Settings settings) {
        Builder b = new Builder();
        b.maxEntryBytes = read(settings, MAX_ENTRY_BYTES, b.maxEntryBytes, "bytes");
        b.maxTotalBytes = read(settings, MAX_TOTAL_BYTES, b.maxTotalBytes, "bytes");
        b.maxEntryRatio = read(settings, MAX_ENTRY_RATIO, b.maxEntryRatio, "bytes out per compressed byte");
        b.maxTotalRatio = read(settings, MAX_TOTAL_RATIO, b.maxTotalRatio, "bytes out per byte in");
        b.maxEntries = read(settings, MAX_ENTRIES, b.maxEntries, "entries");
        b.maxNameLength = read(settings, MAX_NAME_LENGTH, b.maxNameLength, "characters");
        b.maxPathDepth = read(settings, MAX_PATH_DEPTH, b.maxPathDepth, "path segments");
        return b.build();
    }

    private static Limit read(Settings settings, String variable, Limit fallback, String unit) {
        long value = settings.longValue(variable, fallback.value(), 1, Long.MAX_VALUE, unit);
        return new Limit(fallback.name(), value, fallback.bytes(), settings.originOf(variable));
    }

    /** Bytes one entry may expand to. */
    public Limit maxEntryBytes() {
        return maxEntryBytes;
    }

    /** Bytes all entries of one job may expand to, together. */
    public Limit maxTotalBytes() {
        return maxTotalBytes;
    }

    /** Bytes out per compressed byte in, for one zip entry (whose compressed size the central directory gives). */
    public Limit maxEntryRatio() {
        return maxEntryRatio;
    }

    /** Bytes out per byte of the upload: the archive's size for a zip, the bytes read so far for a stream. */
    public Limit maxTotalRatio() {
        return maxTotalRatio;
    }

    /** Entries of one upload, directories included. */
    public Limit maxEntries() {
        return maxEntries;
    }

    /** Characters of an entry's name (after every decoding step). */
    public Limit maxNameLength() {
        return maxNameLength;
    }

    /** Segments of an entry's path: {@code a/b/c.txt} has 3. */
    public Limit maxPathDepth() {
        return maxPathDepth;
    }

    /** Output below which the ratios are not checked. */
    public Limit ratioGraceBytes() {
        return ratioGraceBytes;
    }

    /** Memory an xz stream's header may ask the decoder for, in KiB. */
    public Limit maxXzMemoryKib() {
        return maxXzMemoryKib;
    }

    @Override
    public String toString() {
        return String.join("; ", maxEntryBytes.describe(), maxTotalBytes.describe(), maxEntryRatio.describe(),
                maxTotalRatio.describe(), maxEntries.describe(), maxNameLength.describe(), maxPathDepth.describe());
    }

    /** Builds limits from the defaults; values set here are said to come from "the caller". */
    public static final class Builder {
        private Limit maxEntryBytes = new Limit("max entry bytes", 16 * GIB, true, DEFAULT);
        private Limit maxTotalBytes = new Limit("max total bytes", 32 * GIB, true, DEFAULT);
        private Limit maxEntryRatio = new Limit("max entry ratio", 200, false, DEFAULT);
        private Limit maxTotalRatio = new Limit("max total ratio", 200, false, DEFAULT);
        private Limit maxEntries = new Limit("max entries", 100_000, false, DEFAULT);
        private Limit maxNameLength = new Limit("max name length", 1024, false, DEFAULT);
        private Limit maxPathDepth = new Limit("max path depth", 64, false, DEFAULT);
        private Limit ratioGraceBytes = new Limit("ratio checked above", 8L << 20, true, DEFAULT);
        private Limit maxXzMemoryKib = new Limit("max xz decoder memory (KiB)", 64 * 1024, false, DEFAULT);

        private Builder() {}

        public Builder maxEntryBytes(long value) {
            maxEntryBytes = set(maxEntryBytes, value);
            return this;
        }

        public Builder maxTotalBytes(long value) {
            maxTotalBytes = set(maxTotalBytes, value);
            return this;
        }

        public Builder maxEntryRatio(long value) {
            maxEntryRatio = set(maxEntryRatio, value);
            return this;
        }

        public Builder maxTotalRatio(long value) {
            maxTotalRatio = set(maxTotalRatio, value);
            return this;
        }

        public Builder maxEntries(long value) {
            maxEntries = set(maxEntries, value);
            return this;
        }

        public Builder maxNameLength(long value) {
            maxNameLength = set(maxNameLength, value);
            return this;
        }

        public Builder maxPathDepth(long value) {
            maxPathDepth = set(maxPathDepth, value);
            return this;
        }

        public Builder ratioGraceBytes(long value) {
            ratioGraceBytes = set(ratioGraceBytes, value);
            return this;
        }

        public Builder maxXzMemoryKib(long value) {
            maxXzMemoryKib = set(maxXzMemoryKib, value);
            return this;
        }

        public UnpackLimits build() {
            return new UnpackLimits(this);
        }

        private static Limit set(Limit old, long value) {
            return new Limit(old.name(), value, old.bytes(), CALLER);
        }
    }
}
