package dev.efspipe.api;

import dev.efspipe.layout.JobId;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes a published version by hand, in the layout the processor publishes: parts, files, manifest, CURRENT. */
final class Published {
    private Published() {}

    /**
     * @param partsOfRecords each part's records (one JSON object per record)
     * @param files          extracted files by name under {@code files/}
     */
    static Version write(Path efs, String dataset, Instant at, List<List<String>> partsOfRecords, Map<String, byte[]> files,
                         boolean gzip) throws IOException {
        EfsLayout layout = new EfsLayout(efs);
        DatasetName name = DatasetName.of(dataset);
        UploadSource source = UploadSource.s3("uploads", "uploads/" + dataset + "-" + at.toEpochMilli() + ".json", null, "e", 1);
        JobId job = source.jobId();
        Version version = Version.of(at, job);
        Path dir = layout.version(name, version);
        Files.createDirectories(dir.resolve("parts"));
        List<Manifest.Part> parts = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < partsOfRecords.size(); i++) {
            StringBuilder b = new StringBuilder();
            partsOfRecords.get(i).forEach(r -> b.append(r).append('\n'));
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            String partName = String.format("parts/part-%05d.ndjson", i) + (gzip ? ".gz" : "");
            if (gzip) {
                ByteArrayOutputStream z = new ByteArrayOutputStream();
                try (GZIPOutputStream out = new GZIPOutputStream(z)) {
                    out.write(bytes);
                }
                bytes = z.toByteArray();
            }
            Files.write(dir.resolve(partName), bytes);
            parts.add(new Manifest.Part(partName, "doc.json", partsOfRecords.get(i).size(), bytes.length, "00"));
            total += partsOfRecords.get(i).size();
        }
        List<Manifest.FileEntry> entries = new ArrayList<>();
        for (var f : files.entrySet()) {
            Path p = dir.resolve("files").resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
            entries.add(new Manifest.FileEntry("files/" + f.getKey(), f.getValue().length, "00"));
        }
        Manifest m = new Manifest(Manifest.SCHEMA, name, version, job, source, at, total, 1, parts, entries, Map.of());
        Files.write(dir.resolve(EfsLayout.MANIFEST), Json.MAPPER.writeValueAsBytes(m));
        Files.writeString(layout.current(name), version.value());
        return version;
    }
}
