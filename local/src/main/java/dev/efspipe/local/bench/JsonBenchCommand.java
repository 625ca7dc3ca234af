package dev.efspipe.local.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.run.ContentProcessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * JSON throughput, as ratios against baselines run in the same invocation on the same file:
 * a bare Jackson token scan (the parser alone, writing nothing), a Jackson copy of each record with
 * {@code copyCurrentStructure} into NDJSON (the re-serialising splitter), and ours (records copied as
 * their bytes, field summary, part files with SHA-256). Then the same document zipped: our single pass
 * (inflate and split, no uncompressed copy on disk) against {@code unzip -p} piped into our splitter.
 * Each is run several times; medians are shown, and the JVM's peak RSS.
 *
 * <p>{@code --file} takes any document the processor splits: a top-level array, NDJSON, an object whose members
 * are the records, or, with {@code --record-pointer}, the array (or object) at a JSON Pointer such as the
 * {@code records} of {@code {"meta": …, "records": […]}}. The copy baseline finds the records the way the
 * splitter does, and every run's record count must agree with the splitter's, so a baseline that measured
 * something else would stop the benchmark rather than mislead.
 */
@Command(name = "json", mixinStandardHelpOptions = true,
        description = "Measure the JSON splitter against a bare Jackson token scan on a generated document.")
public final class JsonBenchCommand implements Callable<Integer> {
    @Option(names = "--size-mb", defaultValue = "512", description = "Size of the generated document (default ${DEFAULT-VALUE}).")
    int sizeMb;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--file", description = "Use this JSON document instead of generating one.")
    Path file;

    @Option(names = "--dir", description = "Working directory (default: a temporary one, removed afterwards).")
    Path dir;

    @Option(names = "--no-zip", description = "Skip the zip part: the single-pass zip -> records path against `unzip -p` piped into the splitter.")
    boolean noZip;

    @Option(names = "--record-pointer", description = "JSON Pointer of the records in --file (e.g. /records), as PIPELINE_RECORD_POINTERS gives the processor; default: detected.")
    String recordPointer;

    private final JsonFactory factory = new JsonFactory();

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("pipeline-bench-json-");
        try {
            Path input = file != null ? file : generate(work.resolve("bench.json"), (long) sizeMb << 20);
            long bytes = Files.size(input);
            System.out.printf("Input: %s, %.1f MB; %d runs each; java %s; %d cores%n", input, bytes / 1e6, runs,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            List<Long> scan = new ArrayList<>();
            List<Long> copy = new ArrayList<>();
            List<Long> ours = new ArrayList<>();
            RecordCounts counts = new RecordCounts();
            for (int i = 0; i < runs; i++) {
                scan.add(time(() -> tokenScan(input)));
                copy.add(time(() -> counts.check("copyCurrentStructure", copyStructure(input, work.resolve("copy.ndjson")))));
                Path staging = work.resolve("staging-" + i);
                ours.add(time(() -> counts.check("splitter", splitter(input, staging))));
                DurableFiles.deleteTree(staging);
                Files.deleteIfExists(work.resolve("copy.ndjson"));
            }
            System.out.printf("Records: %,d (%s)%n", counts.records, recordPointer != null ? "at " + recordPointer : layout(input));
            double base = median(scan);
            System.out.printf("%-40s %10s %10s %8s%n", "", "median ms", "MB/s", "ratio");
            row("Jackson token scan (baseline)", median(scan), bytes, base);
            row("Jackson copyCurrentStructure", median(copy), bytes, base);
            row("efspipe splitter (raw copy)", median(ours), bytes, base);
            if (!noZip && recordPointer != null) {
                System.out.println("Zip part skipped: the processor detects the records of an archive entry; a record pointer"
                        + " applies to a plain or compressed document only");
            } else if (!noZip) {
                Path zipped = zipOf(input, work.resolve("bench.zip"));
                List<Long> single = new ArrayList<>();
                List<Long> piped = new ArrayList<>();
                boolean unzip = onPath("unzip");
                for (int i = 0; i < runs; i++) {
                    Path staging = work.resolve("zip-staging-" + i);
                    single.add(time(() -> counts.check("zip single pass", zipPath(zipped, staging))));
                    DurableFiles.deleteTree(staging);
                    if (unzip) {
                        Path staging2 = work.resolve("pipe-staging-" + i);
                        piped.add(time(() -> counts.check("unzip -p | splitter", unzipPiped(zipped, staging2))));
                        DurableFiles.deleteTree(staging2);
                    }
                }
                System.out.printf("Zipped (level 6): %.1f MB; same document, same ratios to the token scan:%n", Files.size(zipped) / 1e6);
                row("efspipe zip -> records, one pass", median(single), bytes, base);
                if (unzip) {
                    row("unzip -p | efspipe splitter", median(piped), bytes, base);
                } else {
                    System.out.println("  (unzip not installed: apt-get install unzip to compare)");
                }
            }
            System.out.printf("Peak RSS of this JVM: %s (all runs, generation included)%n", peakRss());
            return 0;
        } finally {
            if (dir == null) {
                DurableFiles.deleteTree(work);
            }
        }
    }

    private interface Task {
        void run() throws Exception;
    }

    /** Every way of reading the document must find the same records, or the ratios compare different work. */
    private static final class RecordCounts {
        long records = -1;
        String first;

        void check(String who, long found) {
            if (records < 0) {
                records = found;
                first = who;
            } else if (found != records) {
                throw new IllegalStateException(who + " found " + found + " records where " + first + " found " + records
                        + ": the benchmark would compare different work");
            }
        }
    }

    private static long time(Task task) throws Exception {
        long t0 = System.nanoTime();
        task.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void row(String name, double ms, long bytes, double base) {
        System.out.printf("%-34s %10.0f %10.1f %8.2f%n", name, ms, bytes / 1e6 / (ms / 1000), ms / base);
    }

    private static double median(List<Long> v) {
        List<Long> s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2.0;
    }

    private void tokenScan(Path input) throws Exception {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16);
             JsonParser p = factory.createParser(in)) {
            long tokens = 0;
            while (p.nextToken() != null) {
                tokens++;
            }
            if (tokens == 0) {
                throw new IllegalStateException("empty document");
            }
        }
    }

    /**
     * Jackson's re-serialising copy of each record into NDJSON, finding the records as the splitter does: the
     * elements of an array, the lines of NDJSON, the members of an object (as {@code {"key": …, "value": …}}), at the
     * record pointer if one is given. Returns the records copied.
     */
    private long copyStructure(Path input, Path output) throws Exception {
        boolean ndjson = recordPointer == null && layout(input).equals("NDJSON");
        long records = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16);
             JsonParser p = factory.createParser(in);
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                throw new IllegalArgumentException(input + ": the JSON document is empty");
            }
            if (ndjson) {
                do {
                    copyRecord(p, null, out);
                    records++;
                } while (p.nextToken() != null);
                return records;
            }
            if (recordPointer != null) {
                moveTo(p, JsonPointer.compile(recordPointer), input);
            }
            JsonToken container = p.currentToken();
            if (container == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copyRecord(p, null, out);
                    records++;
                }
            } else if (container == JsonToken.START_OBJECT) {
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    copyRecord(p, key, out);
                    records++;
                }
            } else {
                throw new IllegalArgumentException(input + ": the records " + (recordPointer != null ? "at " + recordPointer : "of the document")
                        + " are a single " + container + ", not an array or object");
            }
        }
        return records;
    }

    private void copyRecord(JsonParser p, String key, OutputStream out) throws Exception {
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (key != null) {
                g.writeStartObject();
                g.writeStringField("key", key);
                g.writeFieldName("value");
                g.copyCurrentStructure(p);
                g.writeEndObject();
            } else {
                g.copyCurrentStructure(p);
            }
        }
        out.write('\n');
    }

    /** Moves the parser onto the value at {@code pointer} (object members and array indexes). */
    private static void moveTo(JsonParser p, JsonPointer pointer, Path input) throws Exception {
        for (JsonPointer at = pointer; !at.matches(); at = at.tail()) {
            boolean found = false;
            if (p.currentToken() == JsonToken.START_OBJECT) {
                while (!found && p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    found = name.equals(at.getMatchingProperty());
                    if (!found) {
                        p.skipChildren();
                    }
                }
            } else if (p.currentToken() == JsonToken.START_ARRAY && at.getMatchingIndex() >= 0) {
                for (int index = 0; !found && p.nextToken() != JsonToken.END_ARRAY; index++) {
                    found = index == at.getMatchingIndex();
                    if (!found) {
                        p.skipChildren();
                    }
                }
            }
            if (!found) {
                throw new IllegalArgumentException(input + ": nothing at the record pointer " + pointer);
            }
        }
    }

    /**
     * "NDJSON" when the first line is one complete JSON value and more follows (the splitter's rule), else
     * "array" or "object" after the first token.
     */
    private String layout(Path input) throws Exception {
        byte[] head;
        try (InputStream in = Files.newInputStream(input)) {
            head = in.readNBytes(1 << 20);
        }
        int newline = -1;
        for (int i = 0; i < head.length && newline < 0; i++) {
            if (head[i] == '\n') {
                newline = i;
            }
        }
        boolean more = false;
        for (int i = newline + 1; newline >= 0 && i < head.length && !more; i++) {
            more = !Character.isWhitespace(head[i]);
        }
        if (more) {
            try (JsonParser p = factory.createParser(head, 0, newline)) {
                if (p.nextToken() != null) {
                    p.skipChildren();
                    if (p.nextToken() == null) {
                        return "NDJSON";
                    }
                }
            } catch (JsonProcessingException e) {
                // the first line is part of a larger value
            }
        }
        try (JsonParser p = factory.createParser(head)) {
            JsonToken first = p.nextToken();
            return first == JsonToken.START_ARRAY ? "array" : first == JsonToken.START_OBJECT ? "object members" : String.valueOf(first);
        } catch (JsonProcessingException e) {
            return "unknown";
        }
    }

    private long splitter(Path input, Path staging) throws Exception {
        DurableFiles files = new DurableFiles(Permissions.DEFAULT);
        files.createDirectories(staging);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16);
             StagingOutput out = new StagingOutput(staging, files, 128L << 20)) {
            return new JsonRecordSplitter().split(in, "bench.json", recordPointer, out);
        }
    }

    /** The processor's path for a zip: the entry's records split straight from the inflating stream. */
    private static long zipPath(Path zip, Path staging) throws Exception {
        DurableFiles files = new DurableFiles(Permissions.DEFAULT);
        files.createDirectories(staging);
        try (StagingOutput out = new StagingOutput(staging, files, 128L << 20)) {
            new ContentProcessor(new JsonRecordSplitter(),
                    UnpackLimits.defaults())
                    .process(new FileInputSource(zip), null, out);
            return out.records();
        }
    }

    private long unzipPiped(Path zip, Path staging) throws Exception {
        DurableFiles files = new DurableFiles(Permissions.DEFAULT);
        files.createDirectories(staging);
        Process unzip = new ProcessBuilder("unzip", "-p", zip.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long records;
        try (InputStream in = new BufferedInputStream(unzip.getInputStream(), 1 << 16);
             StagingOutput out = new StagingOutput(staging, files, 128L << 20)) {
            records = new JsonRecordSplitter().split(in, "bench.json", recordPointer, out);
        }
        if (unzip.waitFor() != 0) {
            throw new IllegalStateException("unzip -p failed with " + unzip.exitValue());
        }
        return records;
    }

    private static Path zipOf(Path input, Path target) throws Exception {
        try (var out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(target), 1 << 16))) {
            out.setLevel(6);
            out.putNextEntry(new ZipEntry("bench.json"));
            Files.copy(input, out);
            out.closeEntry();
        }
        return target;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** VmHWM from /proc/self/status: the most resident memory this JVM had. */
    private static String peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** A top-level array of order-like records with nested objects, arrays, strings and numbers. */
    static Path generate(Path target, long bytes) throws Exception {
        Random random = new Random(1);
        String[] words = {"kettle", "lamp", "notebook", "chair", "café crème", "umbrella", "tea \"green\"", "naïve"};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
             JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartArray();
            long i = 0;
            while (g.getOutputBuffered() >= 0 && Files.size(target) + g.getOutputBuffered() < bytes) {
                for (int k = 0; k < 1000; k++, i++) {
                    g.writeStartObject();
                    g.writeNumberField("id", i);
                    g.writeStringField("customer", "customer-" + random.nextInt(100_000));
                    g.writeObjectFieldStart("address");
                    g.writeStringField("city", words[random.nextInt(words.length)]);
                    g.writeNumberField("zip", 10000 + random.nextInt(89999));
                    g.writeEndObject();
                    g.writeArrayFieldStart("items");
                    for (int j = random.nextInt(4); j >= 0; j--) {
                        g.writeStartObject();
                        g.writeStringField("sku", "SKU-" + random.nextInt(10_000));
                        g.writeNumberField("qty", 1 + random.nextInt(9));
                        g.writeNumberField("price", random.nextInt(100_000) / 100.0);
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeBooleanField("gift", random.nextBoolean());
                    g.writeStringField("note", random.nextInt(5) == 0 ? null : words[random.nextInt(words.length)]);
                    g.writeEndObject();
                }
                g.flush();
            }
            g.writeEndArray();
        }
        return target;
    }
}
