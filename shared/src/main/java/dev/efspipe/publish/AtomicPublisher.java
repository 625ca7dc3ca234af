package dev.efspipe.publish;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Publishes a job's staging directory so that readers see the whole version or none of it.
 *
 * <ol>
 *   <li>The processor has written everything into {@code staging/<jobId>/}, the manifest last.</li>
 *   <li>Every file and directory in staging is fsynced.</li>
 *   <li>Under the catalog's exclusive lock: one atomic rename moves staging to
 *       {@code published/<dataset>/<version>/}; {@code CURRENT} is replaced atomically (temporary file,
 *       fsync, rename) if this version is newer than the one it names; and the publish event is appended
 *       to the catalog unless it is already there.</li>
 * </ol>
 *
 * <p>Each step is idempotent, so a job re-run after a crash at any point completes what is left: a
 * version directory that exists with its manifest is not renamed again (versions are immutable), a
 * {@code CURRENT} that already names this or a newer version is left alone, and a catalog entry is
 * written once.
 */
public final class AtomicPublisher {
    private final EfsLayout layout;
    private final DurableFiles files;
    private final Catalog catalog;
    private final Clock clock;

    public AtomicPublisher(EfsLayout layout, DurableFiles files, Catalog catalog, Clock clock) {
        this.layout = layout;
        this.files = files;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Publishes {@code staging} as {@code manifest.version()} of {@code manifest.dataset()}.
     *
     * @param writer who publishes, recorded in the catalog
     * @return where the version now lives
     */
    public Path publish(Path staging, Manifest manifest, String writer) throws IOException {
        DatasetName dataset = manifest.dataset();
        Version version = manifest.version();
        Path target = layout.version(dataset, version);
        boolean renamed = Files.exists(target.resolve(EfsLayout.MANIFEST));
        if (!renamed) {
            if (!Files.exists(staging.resolve(EfsLayout.MANIFEST))) {
                throw new IOException("Cannot publish " + staging + " as " + target
                        + ": it has no " + EfsLayout.MANIFEST + " (the manifest is written last, so the output is incomplete)");
            }
            files.fsyncTree(staging); // the slow part, outside the lock
        }
        // The rename happens under the catalog lock too, so an unpublish of the dataset (which holds it) can
        // never slip in between the rename and CURRENT.
        try (var lock = catalog.lockExclusive()) {
            if (!renamed) {
                files.createDirectories(layout.dataset(dataset));
                files.moveAtomically(staging, target, false);
            }
            PublishHooks.afterRename();
            Optional<Version> current = currentVersion(dataset);
            if (current.isEmpty() || current.get().compareTo(version) < 0) {
                files.writeAtomically(layout.current(dataset), (version.value() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            PublishHooks.afterCurrent();
            CatalogEntry entry = new CatalogEntry(CatalogEntry.PUBLISH, dataset.value(), version.value(),
                    manifest.jobId().value(), manifest.records(), manifest.parts().size(),
                    manifest.parts().stream().mapToLong(Manifest.Part::bytes).sum()
                            + manifest.files().stream().mapToLong(Manifest.FileEntry::bytes).sum(),
                    manifest.source() == null ? null : manifest.source().describe(), clock.instant(), writer);
            // Only a version renamed by an earlier attempt can already be in the catalog (its entry is appended
            // after the rename, under this lock): read the journal just in that case, not on every publish.
            boolean recorded = renamed && catalog.readLocked().stream().anyMatch(entry::sameEvent);
            if (!recorded) {
                catalog.appendLocked(entry);
            }
        }
        return target;
    }

    /**
     * Unpublishes one version, or the whole dataset when {@code version} is empty, atomically for readers:
     * first {@code CURRENT} is moved to the newest remaining version (or removed), then the directory is
     * renamed out of {@code published/} into {@code trash/} in one step, the event is appended to the
     * catalog, and only then are the files deleted. A reader sees the version whole or not at all; one that
     * opened a file before the rename keeps reading it (POSIX semantics; on NFS a removed open file may
     * become stale, so readers that hold files open across an unpublish should re-resolve {@code CURRENT}).
     *
     * @return whether anything was published to remove
     */
    public boolean unpublish(DatasetName dataset, Optional<Version> version, String writer) throws IOException {
        Path trash;
        List<Version> removed = new ArrayList<>();
        try (var lock = catalog.lockExclusive()) {
            Path source = version.map(v -> layout.version(dataset, v)).orElse(layout.dataset(dataset));
            if (!Files.exists(source)) {
                return false;
            }
            files.createDirectories(layout.trashDir());
            trash = layout.trashDir().resolve(dataset.value() + "-" + version.map(Version::value).orElse("all")
                    + "-" + UUID.randomUUID());
            if (version.isPresent()) {
                removed.add(version.get());
                Optional<Version> current = currentVersion(dataset);
                if (current.equals(version)) {
                    Optional<Version> previous = new DatasetReader(layout.root()).versions(dataset).stream()
                            .filter(v -> !v.equals(version.get())).reduce((a, b) -> b);
                    if (previous.isPresent()) {
                        files.writeAtomically(layout.current(dataset), (previous.get().value() + "\n").getBytes(StandardCharsets.UTF_8));
                    } else {
                        Files.deleteIfExists(layout.current(dataset));
                        DurableFiles.fsyncDirectory(layout.dataset(dataset));
                    }
                }
            } else {
                removed.addAll(new DatasetReader(layout.root()).versions(dataset));
            }
            files.moveAtomically(source, trash, false);
            for (Version v : removed) {
                catalog.appendLocked(new CatalogEntry(CatalogEntry.UNPUBLISH, dataset.value(), v.value(), null, 0, 0, 0,
                        null, clock.instant(), writer));
            }
        }
        DurableFiles.deleteTree(trash);
        return true;
    }

    /** Writes the manifest into staging; the last file written before {@link #publish}. */
    public void writeManifest(Path staging, Manifest manifest) throws IOException {
        files.writeAtomically(staging.resolve(EfsLayout.MANIFEST), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    }

    private Optional<Version> currentVersion(DatasetName dataset) throws IOException {
        Path current = layout.current(dataset);
        if (!Files.exists(current)) {
            return Optional.empty();
        }
        String s = Files.readString(current, StandardCharsets.UTF_8).trim();
        return Version.isValid(s) ? Optional.of(new Version(s)) : Optional.empty();
    }
}
