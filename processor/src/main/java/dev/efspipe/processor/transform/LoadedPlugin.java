package dev.efspipe.processor.transform;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.plugin.PluginMetadata;
import dev.efspipe.spi.RecordTransform;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * One published plugin version, loaded: its own class loader over a local copy of its jar (checked against
 * the SHA-256 it was published with), and the provider of the transform it was chosen by. Kept by
 * {@link PluginLoader} across the jobs of an execution environment; each job gets a new instance.
 */
final class LoadedPlugin implements AutoCloseable {
    private final PluginMetadata metadata;
    private final URLClassLoader loader;
    private final ServiceLoader.Provider<RecordTransform> provider;
    private final Path localJar;
    int inUse;
    boolean retired;

    LoadedPlugin(PluginMetadata metadata, URLClassLoader loader, ServiceLoader.Provider<RecordTransform> provider, Path localJar) {
        this.metadata = metadata;
        this.loader = loader;
        this.provider = provider;
        this.localJar = localJar;
    }

    PluginMetadata metadata() {
        return metadata;
    }

    ClassLoader classLoader() {
        return loader;
    }

    /** How messages name it: {@code mask-email@20261126T061500.123Z-3f2a9c0d11be}. */
    String label() {
        return metadata.name() + "@" + metadata.version();
    }

    /** A new instance for one job. */
    RecordTransform newInstance() {
        return provider.get();
    }

    /** Closes the class loader (its jar) and removes the local copy; instances already made keep working. */
    @Override
    public void close() throws IOException {
        try {
            loader.close();
        } finally {
            DurableFiles.deleteTree(localJar.getParent());
        }
    }
}
