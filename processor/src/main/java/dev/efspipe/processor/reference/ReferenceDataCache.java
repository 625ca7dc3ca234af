package dev.efspipe.processor.reference;

import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Published datasets that transforms use as reference data, kept for the life of the execution environment.
 * Each job resolves a dataset's {@code CURRENT} when it starts (between jobs, never in the middle of one) and
 * keeps that version to its end; when {@code CURRENT} has moved, the job gets the new version and the old one
 * (its indexes, its local files) is released as soon as no job uses it any more. Reads {@code published/}
 * only, through {@link DatasetReader}; writes only below its local directory.
 */
public final class ReferenceDataCache {
    private static final Logger LOG = Logger.getLogger(ReferenceDataCache.class.getName());

    private final DatasetReader reader;
    private final EfsLayout layout;
    private final Path localDir;
    private final Map<String, PublishedReference> loaded = new HashMap<>();
    private final Map<String, Version> newest = new HashMap<>();

    public ReferenceDataCache(Path efsRoot, Path localDir) {
        this.reader = new DatasetReader(efsRoot);
        this.layout = new EfsLayout(efsRoot);
        this.localDir = localDir;
    }

    /**
     * The dataset in {@code pinned} (a continuing job's), or else in the version {@code CURRENT} names now; the
     * caller {@link #release}s it when its job ends.
     *
     * @throws IllegalArgumentException when the dataset is not published
     * @throws java.nio.file.NoSuchFileException when the pinned version is gone
     */
    public synchronized PublishedReference acquire(DatasetName dataset, Optional<Version> pinned) throws IOException {
        Version version = pinned.isPresent() ? pinned.get() : reader.current(dataset).orElseThrow(() -> new IllegalArgumentException(
                "the reference dataset " + dataset + " has no published version (nothing in " + layout.current(dataset) + ")"));
        String key = dataset.value() + "/" + version.value();
        PublishedReference ref = loaded.get(key);
        if (ref == null) {
            Path dir = layout.version(dataset, version);
            Manifest manifest = Json.MAPPER.readValue(Files.readAllBytes(dir.resolve(EfsLayout.MANIFEST)), Manifest.class);
            ref = new PublishedReference(dataset, version, dir, manifest,
                    localDir.resolve(dataset.value()).resolve(version.value() + "-" + UUID.randomUUID()));
            loaded.put(key, ref);
            Version previous = newest.get(dataset.value());
            if (previous == null || previous.compareTo(version) < 0) {
                newest.put(dataset.value(), version);
                if (previous != null) {
                    LOG.info("Reference " + dataset + ": CURRENT moved from " + previous + " to " + version);
                    PublishedReference old = loaded.get(dataset.value() + "/" + previous.value());
                    if (old != null) {
                        retire(old);
                    }
                }
            } else {
                ref.retired = true; // an older version a continuing job pinned: released after its job
            }
        }
        ref.inUse++;
        return ref;
    }

    public synchronized void release(PublishedReference ref) {
        ref.inUse--;
        if (ref.retired && ref.inUse == 0) {
            close(ref);
        }
    }

    private void retire(PublishedReference ref) {
        ref.retired = true;
        if (ref.inUse == 0) {
            close(ref);
        }
    }

    private void close(PublishedReference ref) {
        loaded.values().remove(ref);
        try {
            ref.close();
        } catch (IOException e) {
            LOG.warning("Removing the local index of " + ref.dataset() + "/" + ref.version() + ": " + e.getMessage());
        }
    }
}
