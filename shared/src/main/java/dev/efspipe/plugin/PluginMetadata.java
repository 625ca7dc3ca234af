package dev.efspipe.plugin;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code plugins/<name>/<version>/plugin.json}: what was published, beside the jar it describes.
 *
 * @param sha256      SHA-256 of {@code plugin.jar} (hex); the processor checks the jar against it when it loads it
 * @param bytes       size of {@code plugin.jar}
 * @param source      the file the publisher published (its name, as given)
 * @param publishedBy who published it (user and host, or what the caller says)
 * @param transforms  the transform names the jar provides ({@code META-INF/services}), as found when published
 */
public record PluginMetadata(int schema, String name, String version, String sha256, long bytes, Instant publishedAt,
                             String source, String publishedBy, List<String> transforms) {
    public static final int SCHEMA = 1;

    public PluginMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
    }
}
