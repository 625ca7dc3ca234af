package dev.efspipe.spi;

import java.io.IOException;

/**
 * A record transform: code that rewrites, enriches or drops each JSON record while the processor splits a
 * document into records. Published as a jar onto the shared file system ({@code ./pipeline plugin publish}),
 * found in that jar by {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.efspipe.spi.RecordTransform}
 * file naming the implementation), and chosen per upload by name.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Records.</b> {@link #apply} receives one record: the UTF-8 bytes of exactly one JSON value, as it
 *       stood in the input (or as the previous transform of the chain returned it), without a line break. It
 *       returns the UTF-8 bytes of exactly one JSON value, or {@code null} to drop the record. The array it
 *       receives is its own: it may keep it, change it or return it. Whitespace in the result is allowed;
 *       line breaks are removed before the record is written (NDJSON has one record per line). The processor
 *       checks every result with a streaming parse: anything that is not one well-formed JSON value (bad
 *       syntax or UTF-8, trailing content, a duplicate key in an object) fails the job.</li>
 *   <li><b>Lifecycle.</b> For each job the processor creates a new instance (through the public no-argument
 *       constructor {@code ServiceLoader} requires), calls {@link #open} once, {@link #apply} once per
 *       record in input order, and {@link #close} once, also when the job fails. The plugin's class loader
 *       lives as long as the processor's execution environment (many jobs), so static state survives from
 *       job to job; a newer published version of the plugin gets a class loader of its own and is used from
 *       the next job on, never in the middle of one.</li>
 *   <li><b>Threads.</b> One instance is used by one thread at a time (open, apply, close happen-before each
 *       other). Different instances, in different jobs, may run at the same time in one JVM: static state
 *       must be thread-safe.</li>
 *   <li><b>Exceptions.</b> Any exception thrown by {@link #apply} fails the job permanently: nothing of it is
 *       published, and the failure record under {@code failed/} names the transform, its version and the
 *       record's index. A {@link RuntimeException} from {@link #open} (bad options, say) fails the job
 *       permanently too; an {@link IOException} from {@link #open} is treated as transient and the job is
 *       retried. Exceptions from {@link #close} are logged.</li>
 *   <li><b>Class loading.</b> A plugin sees the JDK, this package and its own jar, nothing of the processor:
 *       libraries it needs go into its jar (shaded or not), and cannot clash with the processor's own.</li>
 *   <li><b>Trust.</b> A plugin is trusted code, like a Lambda layer: it runs inside the processor with the
 *       processor's permissions (its IAM role, its network, everything its EFS access point can read and
 *       write). The processor does not sandbox it. Only someone who can write {@code plugins/} on the file
 *       system can install one; the processor itself only reads there.</li>
 * </ul>
 */
public interface RecordTransform extends AutoCloseable {

    /**
     * The name a job chooses this transform by, and under which it is published ({@code plugins/<name>/}):
     * 1 to 100 of {@code a-z 0-9 . _ -}, starting with a letter or digit. Must not change between calls.
     */
    String name();

    /**
     * Prepares the transform for one job. Called once, before the first record.
     *
     * @param context the options the job gives this transform and access to published reference data
     * @throws IOException a transient failure (the job is retried later)
     * @throws IllegalArgumentException bad options (the job fails permanently, with this message)
     */
    default void open(TransformContext context) throws IOException {
    }

    /**
     * Transforms one record.
     *
     * @param record the UTF-8 bytes of one JSON value; the transform's to keep or change
     * @return the UTF-8 bytes of one JSON value, or {@code null} to drop the record
     */
    byte[] apply(byte[] record);

    /** Ends the job's use of this instance (also after a failure). Releases what {@link #open} acquired. */
    @Override
    default void close() {
    }
}
