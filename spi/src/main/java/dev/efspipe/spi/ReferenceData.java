package dev.efspipe.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One published version of a dataset, used as reference data by a transform: read-only, immutable (a
 * published version never changes), shared by every job of the environment that uses the same version.
 */
public interface ReferenceData {

    /** The dataset's name. */
    String dataset();

    /** The published version, e.g. {@code 20261126T061500.123Z-3f2a9c0d11be}. */
    String version();

    /**
     * The version's directory on the shared file system: {@code manifest.json}, {@code parts/*.ndjson[.gz]}
     * (one record per line) and {@code files/}. Read it; never write to it.
     */
    Path directory();

    /**
     * An index of this version's records by the value of one top-level member, held outside the Java heap
     * (a memory-mapped file, built on first use and kept for as long as the version stays current). Records
     * that are not objects, or lack the member, or hold an object, array or null there, are not indexed;
     * when several records have the same key, the last one wins.
     *
     * @param keyField the top-level member whose value is the key, e.g. {@code id}
     * @throws IOException when the index cannot be built (the job is retried)
     */
    KeyIndex index(String keyField) throws IOException;
}
