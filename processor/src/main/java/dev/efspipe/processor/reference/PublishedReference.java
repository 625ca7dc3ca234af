package dev.efspipe.processor.reference;

import com.fasterxml.jackson.core.JsonFactory;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.spi.KeyIndex;
import dev.efspipe.spi.ReferenceData;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;

/**
 * One published version of a dataset as reference data, with its key indexes, built on first use (one per
 * key field) in a local directory and kept for as long as the version is current. Plain parts are mapped
 * where they were published (read-only, on EFS); gzip-compressed parts are decompressed into the local
 * directory first, since a compressed file cannot be read at an offset.
 */
public final class PublishedReference implements ReferenceData, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PublishedReference.class.getName());
    private static final JsonFactory JSON = new JsonFactory();

    private final DatasetName dataset;
    private final Version version;
    private final Path directory;
    private final Manifest manifest;
    private final Path localDir;
    private final Map<String, MappedKeyIndex> indexes = new HashMap<>();
    private List<Path> dataFiles;
    int inUse;
    boolean retired;

    PublishedReference(DatasetName dataset, Version version, Path directory, Manifest manifest, Path localDir) {
        this.dataset = dataset;
        this.version = version;
        this.directory = directory;
        this.manifest = manifest;
        this.localDir = localDir;
    }

    @Override
    public String dataset() {
        return dataset.value();
    }

    @Override
    public String version() {
        return version.value();
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized KeyIndex index(String keyField) throws IOException {
        if (keyField == null || keyField.isEmpty()) {
            throw new IllegalArgumentException("An index of " + dataset + " needs a key field");
        }
        MappedKeyIndex index = indexes.get(keyField);
        if (index == null) {
            long started = System.nanoTime();
            Path dir = localDir.resolve("index-" + indexes.size());
            DurableFiles.deleteTree(dir);
            index = MappedKeyIndex.build(dataFiles(), manifest.records(), keyField, dir, JSON);
            indexes.put(keyField, index);
            long ms = (System.nanoTime() - started) / 1_000_000;
            MappedKeyIndex built = index;
            LOG.info(() -> "Reference " + dataset + "/" + version + ": indexed " + built.size() + " keys of " + manifest.records()
                    + " records by '" + keyField + "' in " + ms + " ms");
        }
        return index;
    }

    private List<Path> dataFiles() throws IOException {
        if (dataFiles == null) {
            List<Path> files = new ArrayList<>();
            for (Manifest.Part part : manifest.parts()) {
                Path file = directory.resolve(part.name()).normalize();
                if (!file.startsWith(directory)) {
                    throw new IOException("Manifest of " + dataset + "/" + version + " lists a part outside its version: " + part.name());
                }
                if (part.name().endsWith(".gz")) {
                    Path plain = Files.createDirectories(localDir.resolve("parts")).resolve(file.getFileName().toString().replace(".gz", ""));
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                         OutputStream out = Files.newOutputStream(plain)) {
                        in.transferTo(out);
                    }
                    file = plain;
                }
                files.add(file);
            }
            dataFiles = files;
        }
        return dataFiles;
    }

    /** Removes the local indexes and copies. */
    @Override
    public synchronized void close() throws IOException {
        indexes.clear();
        DurableFiles.deleteTree(localDir);
    }
}
