package dev.efspipe.plugin;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.json.Json;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.lock.FileLocks;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Transform plugins on the shared file system, published the way datasets are: a version directory
 * ({@code plugins/<name>/<version>/} with {@code plugin.jar} and {@code plugin.json}) is prepared in
 * {@code plugins/.staging/}, fsynced, and moved into place with one atomic rename; then {@code CURRENT} is
 * replaced atomically. A reader (the processor) resolves {@code CURRENT} and reads a complete, immutable
 * version, or none; it needs no lock and no write access.
 *
 * <p>Publishes and unpublishes of all plugins are serialised by the lock {@code plugins/.lock}. A version is
 * named by the publish time and the jar's SHA-256 ({@code 20261126T061500.123Z-3f2a9c0d11be}); under the lock
 * the time is moved past the current version's if a clock runs behind, so the newest publish is always the
 * one {@code CURRENT} names. Publishing the jar {@code CURRENT} already names again changes nothing.
 *
 * <p>Everything a publish writes stays inside {@code plugins/}: a host that may install plugins needs write
 * access there and nowhere else.
 */
public final class PluginStore {
    public static final String JAR = "plugin.jar";
    public static final String METADATA = "plugin.json";

    private final EfsLayout layout;
    private final DurableFiles files;
    private final Duration lockTimeout;
    private final Clock clock;

    public PluginStore(EfsLayout layout, DurableFiles files, Duration lockTimeout, Clock clock) {
        this.layout = layout;
        this.files = files;
        this.lockTimeout = lockTimeout;
        this.clock = clock;
    }

    /** The result of a publish: the version {@code CURRENT} names now, and whether this call created it. */
    public record Published(PluginMetadata metadata, boolean created) {}

    /**
     * Publishes {@code jar} as a new version of {@code name} and makes it current.
     *
     * @param source      how the jar is named in the metadata (the file the publisher gave)
     * @param transforms  the transform names the jar provides, as the caller found them
     * @param publishedBy who publishes
     */
    public Published publish(PluginName name, Path jar, String source, List<String> transforms, String publishedBy)
            throws IOException {
        sweepStaging();
        Path staging = layout.pluginsStaging().resolve(UUID.randomUUID().toString());
        files.createDirectories(staging);
        try {
            MessageDigest sha = sha256();
            long bytes;
            try (InputStream in = Files.newInputStream(jar);
                 OutputStream out = new DigestOutputStream(files.createFile(staging.resolve(JAR)), sha)) {
                bytes = in.transferTo(out);
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            try (var lock = FileLocks.exclusive(layout.pluginsLock(), lockTimeout)) {
                Optional<Version> current = current(name);
                if (current.isPresent()) {
                    PluginMetadata now = metadata(name, current.get());
                    if (now.sha256().equals(hex)) {
                        return new Published(now, false);
                    }
                }
                Instant at = clock.instant();
                if (current.isPresent() && !at.isAfter(current.get().instant())) {
                    at = current.get().instant().plusMillis(1); // a clock behind the last publisher's
                }
                Version version = Version.of(at, hex.substring(0, 12));
                PluginMetadata metadata = new PluginMetadata(PluginMetadata.SCHEMA, name.value(), version.value(), hex, bytes,
                        clock.instant(), source, publishedBy, transforms);
                files.writeAtomically(staging.resolve(METADATA), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata));
                files.fsyncTree(staging);
                files.createDirectories(layout.plugin(name));
                files.moveAtomically(staging, layout.pluginVersion(name, version), false);
                pauseForTests();
                files.writeAtomically(layout.pluginCurrent(name), (version.value() + "\n").getBytes(StandardCharsets.UTF_8));
                return new Published(metadata, true);
            }
        } finally {
            DurableFiles.deleteTree(staging); // gone after the rename; what is left of a failed publish
        }
    }

    /** How old a staging directory must be before a publish takes it for a dead publisher's and removes it. */
    static final Duration STALE_STAGING = Duration.ofHours(1);

    /** Removes what publishers killed half-way left in {@code plugins/.staging/}. */
    private void sweepStaging() throws IOException {
        Path dir = layout.pluginsStaging();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Instant before = clock.instant().minus(STALE_STAGING);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                try {
                    if (Files.getLastModifiedTime(e).toInstant().isBefore(before)) {
                        DurableFiles.deleteTree(e);
                    }
                } catch (NoSuchFileException gone) {
                    // Tolerated race: its publisher finished (renamed it) or another sweep removed it.
                }
            }
        }
    }

    /**
     * A system property for the concurrent-publisher test: the milliseconds a publish waits between moving its
     * version into place and replacing {@code CURRENT}, after printing {@link #PAUSE_MARKER} on standard error.
     * Unset, a publish never waits.
     */
    public static final String PAUSE_PROPERTY = "efspipe.pluginPublishPause";
    public static final String PAUSE_MARKER = "efspipe: plugin publish paused before CURRENT";
    private static final long PAUSE_MILLIS = Long.getLong(PAUSE_PROPERTY, 0);

    private static void pauseForTests() throws IOException {
        if (PAUSE_MILLIS <= 0) {
            return;
        }
        System.err.println(PAUSE_MARKER);
        System.err.flush();
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while paused for a test");
        }
    }

    /** The version {@code CURRENT} names, if the plugin is published. Reads no lock. */
    public Optional<Version> current(PluginName name) throws IOException {
        try {
            String s = Files.readString(layout.pluginCurrent(name), StandardCharsets.UTF_8).trim();
            return Version.isValid(s) ? Optional.of(new Version(s)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * The metadata of one version.
     *
     * @throws NoSuchFileException when the version is not published (or no longer)
     */
    public PluginMetadata metadata(PluginName name, Version version) throws IOException {
        return Json.MAPPER.readValue(Files.readAllBytes(layout.pluginVersion(name, version).resolve(METADATA)), PluginMetadata.class);
    }

    /** Whether a version is (still) published: one stat of its metadata file. */
    public boolean isPublished(PluginName name, Version version) {
        return Files.exists(layout.pluginVersion(name, version).resolve(METADATA));
    }

    /** Where one version's jar is. */
    public Path jar(PluginName name, Version version) {
        return layout.pluginVersion(name, version).resolve(JAR);
    }

    /** Published plugins, sorted by name. */
    public List<PluginName> names() throws IOException {
        List<PluginName> out = new ArrayList<>();
        if (!Files.isDirectory(layout.pluginsDir())) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.pluginsDir())) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (PluginName.isValid(n) && Files.isDirectory(d)) {
                    out.add(PluginName.of(n));
                }
            }
        }
        out.sort((a, b) -> a.value().compareTo(b.value()));
        return out;
    }

    /** The complete versions of a plugin, oldest first. */
    public List<Version> versions(PluginName name) throws IOException {
        List<Version> out = new ArrayList<>();
        Path dir = layout.plugin(name);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (Version.isValid(n) && Files.exists(d.resolve(METADATA))) {
                    out.add(new Version(n));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Removes one version, or the whole plugin when {@code version} is empty: {@code CURRENT} first moves to
     * the newest remaining version (or goes), then the directory is renamed into {@code plugins/.trash/} in one
     * step and deleted. Jobs that already loaded the version finish with it; the next job uses {@code CURRENT}.
     *
     * @return whether there was anything to remove
     */
    public boolean unpublish(PluginName name, Optional<Version> version) throws IOException {
        if (!Files.isDirectory(layout.plugin(name))) {
            return false;
        }
        Path trash;
        try (var lock = FileLocks.exclusive(layout.pluginsLock(), lockTimeout)) {
            Path source = version.map(v -> layout.pluginVersion(name, v)).orElse(layout.plugin(name));
            if (!Files.exists(source)) {
                return false;
            }
            if (version.isPresent() && current(name).equals(version)) {
                Optional<Version> previous = versions(name).stream().filter(v -> !v.equals(version.get())).reduce((a, b) -> b);
                if (previous.isPresent()) {
                    files.writeAtomically(layout.pluginCurrent(name), (previous.get().value() + "\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    Files.deleteIfExists(layout.pluginCurrent(name));
                    DurableFiles.fsyncDirectory(layout.plugin(name));
                }
            }
            files.createDirectories(layout.pluginsTrash());
            trash = layout.pluginsTrash().resolve(name.value() + "-" + version.map(Version::value).orElse("all") + "-" + UUID.randomUUID());
            files.moveAtomically(source, trash, false);
        }
        DurableFiles.deleteTree(trash);
        return true;
    }

    /** The SHA-256 (hex) of a file, as {@link PluginMetadata#sha256()} states it. */
    public static String sha256Hex(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
