package dev.efspipe.local.efs;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a reader of the EFS directory sees, checked for completeness: the all-or-nothing invariant. */
final class PublishedState {
    private PublishedState() {}

    /**
     * Every directory under {@code published/<dataset>/} is a complete version: it has its manifest, and
     * every part and file the manifest lists is there with the listed size and SHA-256. {@code CURRENT},
     * if present, names such a version. Returns the complete versions.
     */
    static List<Version> assertAllOrNothing(Path efs, DatasetName dataset) throws Exception {
        EfsLayout layout = new EfsLayout(efs);
        DatasetReader reader = new DatasetReader(efs);
        List<Version> complete = new ArrayList<>();
        Path dir = layout.dataset(dataset);
        if (!Files.isDirectory(dir)) {
            assertThat(reader.current(dataset)).isEmpty();
            return complete;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.equals(EfsLayout.CURRENT) || name.startsWith(".")) {
                    continue;
                }
                assertThat(Version.isValid(name)).as("only version directories in %s: %s", dir, name).isTrue();
                assertThat(p.resolve(EfsLayout.MANIFEST)).as("a published version without its manifest: %s", p).exists();
                Manifest m = reader.manifest(dataset, new Version(name));
                for (Manifest.Part part : m.parts()) {
                    assertComplete(p.resolve(part.name()), part.bytes(), part.sha256());
                }
                for (Manifest.FileEntry f : m.files()) {
                    assertComplete(p.resolve(f.name()), f.bytes(), f.sha256());
                }
                complete.add(new Version(name));
            }
        }
        reader.current(dataset).ifPresent(v -> assertThat(complete).as("CURRENT names a complete version").contains(v));
        return complete;
    }

    static List<CatalogEntry> catalog(Path efs) throws IOException {
        return new Catalog(new EfsLayout(efs), new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(30))
                .entries();
    }

    private static void assertComplete(Path file, long bytes, String sha256) throws Exception {
        assertThat(file).as("listed in the manifest").exists();
        assertThat(Files.size(file)).as("size of %s", file).isEqualTo(bytes);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).as("SHA-256 of %s", file).isEqualTo(sha256);
    }
}
