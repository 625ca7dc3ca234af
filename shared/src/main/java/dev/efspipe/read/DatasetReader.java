package dev.efspipe.read;

import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read side, for containers and web apps that mount the same EFS access point. It only looks at
 * {@code published/}, where every version directory is complete (it arrived by one atomic rename with
 * its manifest inside), and resolves the newest one through {@code CURRENT}.
 */
public final class DatasetReader {
    private final EfsLayout layout;

    public DatasetReader(Path efsRoot) {
        this.layout = new EfsLayout(efsRoot);
    }

    /** Datasets that have a current version, sorted by name. */
    public List<DatasetName> datasets() throws IOException {
        List<DatasetName> out = new ArrayList<>();
        if (!Files.isDirectory(layout.publishedDir())) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.publishedDir())) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (isDatasetName(name) && Files.exists(d.resolve(EfsLayout.CURRENT))) {
                    out.add(DatasetName.of(name));
                }
            }
        }
        out.sort((a, b) -> a.value().compareTo(b.value()));
        return out;
    }

    /** Skips what the pipeline never writes into published/ (a person's stray folder, say) instead of failing. */
    private static boolean isDatasetName(String name) {
        try {
            DatasetName.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The version {@code CURRENT} names, if the dataset has been published. */
    public Optional<Version> current(DatasetName dataset) throws IOException {
        try {
            String s = Files.readString(layout.current(dataset), StandardCharsets.UTF_8).trim();
            return Version.isValid(s) ? Optional.of(new Version(s)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** All published versions of a dataset, oldest first. */
    public List<Version> versions(DatasetName dataset) throws IOException {
        List<Version> out = new ArrayList<>();
        Path dir = layout.dataset(dataset);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (Version.isValid(name) && Files.exists(d.resolve(EfsLayout.MANIFEST))) {
                    out.add(new Version(name));
                }
            }
        }
        out.sort(null);
        return out;
    }

    public Manifest manifest(DatasetName dataset, Version version) throws IOException {
        return Json.MAPPER.readValue(layout.version(dataset, version).resolve(EfsLayout.MANIFEST).toFile(), Manifest.class);
    }

    /** Opens a file the manifest lists (a part or an extracted file); names outside the version are refused. */
    public InputStream open(DatasetName dataset, Version version, String name) throws IOException {
        Path dir = layout.version(dataset, version);
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir) || file.equals(dir)) {
            throw new IOException("'" + DatasetName.printable(name) + "' is not inside " + dir);
        }
        return Files.newInputStream(file);
    }

    /**
     * Waits until {@code CURRENT} of {@code dataset} names a version other than {@code after} (or any version,
     * when {@code after} is empty), polling every {@code interval} until {@code timeout}. Polling because
     * NFS has no change notification.
     */
    public Optional<Version> awaitNewVersion(DatasetName dataset, Optional<Version> after, Duration timeout,
                                             Duration interval) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<Version> now = current(dataset);
            if (now.isPresent() && !now.equals(after)) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                return Optional.empty();
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
