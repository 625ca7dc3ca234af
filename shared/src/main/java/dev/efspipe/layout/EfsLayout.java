package dev.efspipe.layout;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The EFS layout, relative to the access point's root (the README's "The EFS layout and the guarantees"
 * shows the tree). The only class that knows where things live; every path the pipeline touches is built
 * here from validated values ({@link JobId}, {@link DatasetName}, {@link Version}), never from raw keys or
 * entry names.
 *
 * <pre>
 * inbox/                          files a web app wrote directly
 * jobs/&lt;ab&gt;/&lt;jobId&gt;.json          one record per job (sharded by the first two hex digits)
 * staging/&lt;jobId&gt;.&lt;attempt&gt;/      work in progress of one attempt; readers never look here
 * published/&lt;dataset&gt;/&lt;version&gt;/  immutable output: manifest.json, parts/, files/
 * published/&lt;dataset&gt;/CURRENT     names the newest version (replaced atomically)
 * catalog/journal.ndjson          the shared index, appended under lock
 * failed/&lt;ab&gt;/&lt;jobId&gt;.json        permanent failures with the reason
 * message/                        the MessageWall file
 * trash/                          unpublished versions on their way out (renamed here, then deleted)
 * plugins/&lt;name&gt;/&lt;version&gt;/      a transform plugin: plugin.jar and plugin.json (immutable)
 * plugins/&lt;name&gt;/CURRENT         names the plugin's version that new jobs use
 * plugins/.staging, .trash, .lock where plugin publishes are prepared, removed, and serialised
 * </pre>
 */
public record EfsLayout(Path root) {
    public static final String MANIFEST = "manifest.json";
    public static final String CURRENT = "CURRENT";

    public EfsLayout {
        Objects.requireNonNull(root, "root");
        root = root.toAbsolutePath().normalize();
    }

    public Path inbox() {
        return root.resolve("inbox");
    }

    public Path jobsDir() {
        return root.resolve("jobs");
    }

    public Path jobShard(JobId id) {
        return jobsDir().resolve(id.shard());
    }

    public Path jobRecord(JobId id) {
        return jobShard(id).resolve(id.value() + ".json");
    }

    /** One lock file per shard: claims and state changes of the jobs in it are made under it. */
    public Path jobShardLock(JobId id) {
        return jobShard(id).resolve(".lock");
    }

    public Path stagingDir() {
        return root.resolve("staging");
    }

    /**
     * The staging directory of one attempt at a job. Each attempt (a first claim, or a takeover) writes
     * into its own directory, so a presumed-dead owner that is in fact still running can only ever touch
     * its own files, never those of the processor that took its job over.
     */
    public Path staging(JobId id, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt + " must be positive");
        }
        return stagingDir().resolve(id.value() + "." + attempt);
    }

    public Path publishedDir() {
        return root.resolve("published");
    }

    public Path dataset(DatasetName dataset) {
        return publishedDir().resolve(dataset.value());
    }

    public Path version(DatasetName dataset, Version version) {
        return dataset(dataset).resolve(version.value());
    }

    public Path current(DatasetName dataset) {
        return dataset(dataset).resolve(CURRENT);
    }

    public Path catalogDir() {
        return root.resolve("catalog");
    }

    public Path catalogJournal() {
        return catalogDir().resolve("journal.ndjson");
    }

    public Path failedDir() {
        return root.resolve("failed");
    }

    public Path failedRecord(JobId id) {
        return failedDir().resolve(id.shard()).resolve(id.value() + ".json");
    }

    /** The seed's MessageWall: one text file (and its lock file) per wall. */
    public Path messageDir() {
        return root.resolve("message");
    }

    public Path trashDir() {
        return root.resolve("trash");
    }

    /**
     * Transform plugins. Only their publishers write here (the processor only reads), so everything a
     * publish needs, its staging and trash directories and its lock, lives inside.
     */
    public Path pluginsDir() {
        return root.resolve("plugins");
    }

    public Path plugin(PluginName plugin) {
        return pluginsDir().resolve(plugin.value());
    }

    public Path pluginVersion(PluginName plugin, Version version) {
        return plugin(plugin).resolve(version.value());
    }

    public Path pluginCurrent(PluginName plugin) {
        return plugin(plugin).resolve(CURRENT);
    }

    public Path pluginsStaging() {
        return pluginsDir().resolve(".staging");
    }

    public Path pluginsTrash() {
        return pluginsDir().resolve(".trash");
    }

    public Path pluginsLock() {
        return pluginsDir().resolve(".lock");
    }
}
