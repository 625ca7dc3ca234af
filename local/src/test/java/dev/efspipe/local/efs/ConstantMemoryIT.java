package dev.efspipe.local.efs;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Constant memory, with a real process and a small heap: the packaged processor splits a 2 GB
 * {@code {"meta": …, "records": […]}} document with -Xmx128m, a gzip-compressed array four times its heap and a
 * top-level map of more than a million members with -Xmx48m, and a single record larger than the record limit
 * stops with a clear error instead of exhausting memory. The documents are generated into a temporary directory.
 */
class ConstantMemoryIT {
    private static final List<String> SMALL_HEAP = List.of("-Xmx48m");

    @Test
    void twoGigabyteMetaAndRecordsDocumentIsSplitInA128MegabyteHeap(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("large.json");
        long records;
        try (BufferedOutputStream out = new BufferedOutputStream(Files.newOutputStream(doc), 1 << 16)) {
            out.write("{\"meta\": {\"exported\": \"2026-11-26\", \"system\": \"orders\"},\n \"records\": "
                    .getBytes(StandardCharsets.UTF_8));
            records = writeArray(out, 2L << 30);
            out.write(",\n \"complete\": true}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.size(doc)).isGreaterThanOrEqualTo(2L << 30);

        Process p = ChildJvm.cli(dir.resolve("plain.log"), Map.of(), List.of("-Xmx128m"),
                "process", doc.toString(), "--efs", dir.resolve("efs").toString(), "--dataset", "large");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("plain.log"))).isZero();
        DatasetReader reader = new DatasetReader(dir.resolve("efs"));
        Manifest manifest = reader.manifest(DatasetName.of("large"), reader.current(DatasetName.of("large")).orElseThrow());
        assertThat(manifest.records()).isEqualTo(records);
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsOnly("/records");
        assertThat(manifest.metadata().members()).extracting(Manifest.Member::name).containsExactly("meta", "complete");
    }

    @Test
    void mapOfMoreThanAMillionMembersIsSplitIntoOneRecordPerMemberInA48MegabyteHeap(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("users.json");
        int members = 1_200_000;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(doc), 1 << 16)) {
            out.write('{');
            for (int i = 0; i < members; i++) {
                out.write(((i == 0 ? "" : ",\n") + "\"user-" + i + "\": {\"id\": " + i + ", \"name\": \"user number " + i
                        + "\", \"groups\": [\"a\", \"b\"]}").getBytes(StandardCharsets.UTF_8));
            }
            out.write('}');
        }

        Process p = ChildJvm.cli(dir.resolve("map.log"), Map.of(), SMALL_HEAP,
                "process", doc.toString(), "--efs", dir.resolve("efs").toString(), "--dataset", "users");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("map.log"))).isZero();
        DatasetReader reader = new DatasetReader(dir.resolve("efs"));
        Manifest manifest = reader.manifest(DatasetName.of("users"), reader.current(DatasetName.of("users")).orElseThrow());
        assertThat(manifest.records()).isEqualTo(members);
        assertThat(manifest.parts()).extracting(Manifest.Part::pointer).containsOnly("");
        assertThat(manifest.metadata()).isNull();
    }

    @Test
    void gzipDocumentIsSplitFromTheDecompressingStreamInA48MegabyteHeap(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("large.json.gz");
        long records = write(new GZIPOutputStream(Files.newOutputStream(doc), 1 << 16), 200L << 20);

        Process p = ChildJvm.cli(dir.resolve("gz.log"), Map.of(), SMALL_HEAP,
                "process", doc.toString(), "--efs", dir.resolve("efs").toString(), "--dataset", "large-gz");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("gz.log"))).isZero();
        DatasetReader reader = new DatasetReader(dir.resolve("efs"));
        assertThat(reader.manifest(DatasetName.of("large-gz"), reader.current(DatasetName.of("large-gz")).orElseThrow()).records())
                .isEqualTo(records);
    }

    @Test
    void oneRecordLargerThanTheRecordLimitStopsWithAClearError(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("giant-record.json");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(doc), 1 << 16)) {
            out.write("[{\"ok\":true},{\"blob\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < (200 << 20) / chunk.length; i++) {
                out.write(chunk);
            }
            out.write("\"}]".getBytes(StandardCharsets.UTF_8));
        }

        Process p = ChildJvm.cli(dir.resolve("giant.log"), Map.of("PIPELINE_JSON_MAX_RECORD_BYTES", "4194304"), SMALL_HEAP,
                "process", doc.toString(), "--efs", dir.resolve("efs").toString(), "--dataset", "giant");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("giant.log"));
        assertThat(p.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("record 1").contains("larger than 4194304 bytes").contains("PIPELINE_JSON_MAX_RECORD_BYTES")
                .doesNotContain("OutOfMemoryError");
        assertThat(dir.resolve("efs/published/giant")).doesNotExist();
    }

    /** A top-level array of records up to about {@code bytes}; returns the record count. */
    private static long write(OutputStream raw, long bytes) throws Exception {
        try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
            return writeArray(out, bytes);
        }
    }

    /** An array of records up to about {@code bytes}, written to {@code out} (left open); returns the record count. */
    private static long writeArray(OutputStream out, long bytes) throws Exception {
        long count = 0;
        long written = 1;
        out.write('[');
        while (written < bytes) {
            byte[] rec = ((count == 0 ? "" : ",") + "{\"id\":" + count + ",\"name\":\"record number " + count
                    + "\",\"tags\":[\"a\",\"b\"],\"nested\":{\"x\":" + (count % 97) + ",\"y\":null}}\n")
                    .getBytes(StandardCharsets.UTF_8);
            out.write(rec);
            written += rec.length;
            count++;
        }
        out.write(']');
        return count;
    }
}
