package dev.efspipe.processor.transform;

import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.plugin.PluginMetadata;
import dev.efspipe.plugin.PluginStore;
import dev.efspipe.spi.RecordTransform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Loads published plugin versions, each into a class loader of its own, at first use, and keeps them for the
 * life of the execution environment (a warm Lambda keeps them from invocation to invocation). A version is
 * immutable, so a loaded one never needs loading again; when a newer version of a plugin is loaded, the older
 * one is closed as soon as no job uses it any more.
 *
 * <p>The jar is copied from EFS to local disk first, its SHA-256 computed on the way and compared with the
 * one it was published with: the class loader then reads a local file that nobody else can change or remove
 * while classes load from it, and the lineage states the hash of exactly what ran.
 */
public final class PluginLoader {
    private static final Logger LOG = Logger.getLogger(PluginLoader.class.getName());

    private final PluginStore store;
    private final Path localDir;
    private final Map<String, LoadedPlugin> loaded = new HashMap<>();
    private final Map<String, String> newest = new HashMap<>();

    /** @param localDir where local copies of jars go (under {@code java.io.tmpdir} in Lambda: {@code /tmp}) */
    public PluginLoader(PluginStore store, Path localDir) {
        this.store = store;
        this.localDir = localDir;
    }

    /** The version {@code CURRENT} names now, or empty if the plugin is not published. */
    Optional<Version> current(PluginName name) throws IOException {
        return store.current(name);
    }

    /**
     * The loaded plugin for one job, loading it if needed; the caller {@link #release}s it when the job ends.
     *
     * @throws NoSuchFileException when the version is not (or no longer) published
     * @throws TransformFailedException when the jar does not match its hash or does not provide the transform
     */
    synchronized LoadedPlugin acquire(PluginName name, Version version) throws IOException {
        String key = name.value() + "@" + version.value();
        LoadedPlugin plugin = loaded.get(key);
        if (plugin != null && !store.isPublished(name, version)) {
            // Unpublished since it was loaded: its publisher withdrew it, so no job starts (or continues) with it.
            retire(key);
            throw new NoSuchFileException(store.jar(name, version).toString(), null, "version unpublished");
        }
        if (plugin == null) {
            plugin = load(name, version);
            loaded.put(key, plugin);
            String previous = newest.get(name.value());
            if (previous == null || previous.compareTo(version.value()) < 0) {
                newest.put(name.value(), version.value());
                if (previous != null) {
                    retire(name.value() + "@" + previous);
                }
            } else {
                plugin.retired = true; // an older version a continuation pinned: closed after its job
            }
        }
        plugin.inUse++;
        return plugin;
    }

    /** Ends one job's use; a retired version nobody uses any more is closed. */
    synchronized void release(LoadedPlugin plugin) {
        plugin.inUse--;
        if (plugin.retired && plugin.inUse == 0) {
            close(plugin);
        }
    }

    /** Versions currently loaded, for tests and logs. */
    synchronized List<String> loadedVersions() {
        return new ArrayList<>(loaded.keySet());
    }

    private void retire(String key) {
        LoadedPlugin old = loaded.get(key);
        if (old != null) {
            old.retired = true;
            if (old.inUse == 0) {
                close(old);
            }
        }
    }

    private void close(LoadedPlugin plugin) {
        loaded.values().remove(plugin);
        try {
            plugin.close();
            LOG.info(() -> "Plugin " + plugin.label() + " unloaded (a newer version is current)");
        } catch (IOException e) {
            LOG.warning("Closing plugin " + plugin.label() + ": " + e.getMessage());
        }
    }

    private LoadedPlugin load(PluginName name, Version version) throws IOException {
        PluginMetadata metadata = store.metadata(name, version);
        Path dir = Files.createDirectories(localDir.resolve(name.value()).resolve(version.value() + "-" + UUID.randomUUID()));
        Path local = dir.resolve(PluginStore.JAR);
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(store.jar(name, version));
             OutputStream out = new DigestOutputStream(Files.newOutputStream(local), sha)) {
            in.transferTo(out);
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        String label = name + "@" + version;
        if (!hex.equals(metadata.sha256())) {
            DurableFiles.deleteTree(dir);
            throw new TransformFailedException("Plugin " + label + ": its plugin.jar has SHA-256 " + hex + ", but it was published with "
                    + metadata.sha256() + " (the file was changed after publishing); publish the plugin again");
        }
        URLClassLoader loader = new URLClassLoader("plugin:" + label, new URL[] {local.toUri().toURL()}, SpiOnlyClassLoader.INSTANCE);
        try {
            List<String> found = new ArrayList<>();
            for (ServiceLoader.Provider<RecordTransform> provider : ServiceLoader.load(RecordTransform.class, loader).stream().toList()) {
                String provided = provider.get().name();
                found.add(provided);
                if (name.value().equals(provided)) {
                    LOG.info(() -> "Plugin " + label + " loaded (" + provider.type().getName() + ", jar SHA-256 " + hex + ")");
                    return new LoadedPlugin(metadata, loader, provider, local);
                }
            }
            throw new TransformFailedException("Plugin " + label + " provides no transform named '" + name + "' (its "
                    + "META-INF/services/" + RecordTransform.class.getName() + " lists transforms named " + found + ")");
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            closeQuietly(loader, dir);
            throw new TransformFailedException("Plugin " + label + " cannot be loaded: " + e, e);
        } catch (TransformFailedException e) {
            closeQuietly(loader, dir);
            throw e;
        }
    }

    /**
     * The names of the transforms a jar provides, found as the processor finds them (its own class loader,
     * {@code ServiceLoader}); what {@code ./pipeline plugin publish} checks before it publishes.
     *
     * @throws IllegalArgumentException when the jar provides none, or one cannot be loaded
     */
    public static List<String> transformNames(Path jar) throws IOException {
        try (URLClassLoader loader = new URLClassLoader("inspect:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                SpiOnlyClassLoader.INSTANCE)) {
            List<String> names = new ArrayList<>();
            for (ServiceLoader.Provider<RecordTransform> provider : ServiceLoader.load(RecordTransform.class, loader).stream().toList()) {
                names.add(provider.get().name());
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException(jar + " provides no transform: it needs a META-INF/services/"
                        + RecordTransform.class.getName() + " file naming its RecordTransform class");
            }
            return names;
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new IllegalArgumentException(jar + ": a transform cannot be loaded: " + e, e);
        }
    }

    private static void closeQuietly(URLClassLoader loader, Path dir) {
        try {
            loader.close();
            DurableFiles.deleteTree(dir);
        } catch (IOException e) {
            LOG.warning("Cleaning up " + dir + ": " + e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
