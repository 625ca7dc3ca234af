package dev.efspipe.local.cli;

import dev.efspipe.fs.DurableFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The training run of the launcher's class-data archive: {@code ./pipeline process} on a few small inputs of
 * each kind (a JSON array, a document with metadata and records, a map-like document, NDJSON, a zip with a JSON
 * and a binary entry, a gzip), in one JVM started with {@code -XX:ArchiveClassesAtExit}. The JVM then writes the
 * classes these runs loaded (picocli, Jackson, commons-compress, ours) into a dynamic CDS archive that the
 * launcher hands every later run ({@code -XX:SharedArchiveFile}): they are mapped instead of read, parsed and
 * verified, which is most of {@code process}'s start-up.
 *
 * <p>Not a command a person runs: the launcher runs it after a build. A failed training leaves no archive, and
 * the tool then starts the ordinary way.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("pipeline-cds-training-");
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
            int failed = 0;
            for (Path input : inputs(work)) {
                String[] argv = {"process", input.toString(), "--efs", work.resolve("efs").toString()};
                if (ProcessCommand.plain(argv).orElseThrow().call() != 0) {
                    failed++;
                }
            }
            System.setOut(out);
            if (failed > 0) {
                System.err.println("cds training: " + failed + " training input(s) were not published");
                System.exit(1);
            }
        } finally {
            System.setOut(out);
            DurableFiles.deleteTree(work);
        }
    }

    private static List<Path> inputs(Path work) throws IOException {
        StringBuilder records = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            records.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"n").append(i)
                    .append("\",\"price\":").append(i * 1.5).append(",\"ok\":").append(i % 2 == 0)
                    .append(",\"tags\":[\"a\",\"b\"],\"at\":null,\"nested\":{\"x\":\"\\u00e9\"}}");
        }
        String array = records.append(']').toString();
        Path json = Files.writeString(work.resolve("records.json"), array);
        Path meta = Files.writeString(work.resolve("meta.json"), "{\"meta\":{\"v\":1},\"records\":" + array + "}");
        Path map = Files.writeString(work.resolve("map.json"), "{\"k1\":{\"a\":1},\"k2\":{\"a\":2},\"k3\":[1,2]}");
        Path ndjson = Files.writeString(work.resolve("lines.ndjson"), "{\"a\":1}\n{\"a\":2}\n");
        Path zip = work.resolve("mixed.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("dir/data.json"));
            z.write(array.getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("dir/blob.bin"));
            z.write(new byte[100_000]);
            z.closeEntry();
        }
        Path gzip = work.resolve("records.json.gz");
        try (OutputStream g = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            g.write(array.getBytes(StandardCharsets.UTF_8));
        }
        return List.of(json, meta, map, ndjson, zip, gzip);
    }
}
