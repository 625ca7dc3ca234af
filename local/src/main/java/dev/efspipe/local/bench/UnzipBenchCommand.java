package dev.efspipe.local.bench;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.config.PartFormat;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.run.ContentProcessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * {@code ./pipeline bench unzip}: times our unpacker (the processor's {@link ContentProcessor} into a staging
 * directory, JSON entries split into NDJSON parts, every file hashed for the manifest) against Info-ZIP
 * {@code unzip} (and {@code bsdtar} if it is installed) on the same zip, in the same invocation, alternating
 * runs, and prints medians, MB/s of uncompressed output and the ratio of our time to each tool's.
 */
@Command(name = "unzip", mixinStandardHelpOptions = true,
        description = "Time our unpacker against unzip (and bsdtar, if installed) on a generated or given zip.")
final class UnzipBenchCommand implements Callable<Integer> {
    @Option(names = "--size-mb", defaultValue = "1024", description = "Uncompressed size of the generated zip in MiB (default ${DEFAULT-VALUE}).")
    long sizeMb;

    @Option(names = "--input", description = "Use this zip instead of generating one.")
    Path input;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per tool (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--level", defaultValue = "6", description = "Deflate level of the generated zip (default ${DEFAULT-VALUE}).")
    int level;

    @Option(names = "--dir", description = "Work directory: the generated zip and the extraction targets (default: a new temporary directory).")
    Path dir;

    @Option(names = "--keep", description = "Keep the work directory (the generated zip can then be passed with --input).")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("efspipe-bench");
        try {
            return run(work);
        } finally {
            if (!keep && dir == null) {
                DurableFiles.deleteTree(work);
            } else {
                System.out.println("Work directory kept: " + work);
            }
        }
    }

    private int run(Path work) throws IOException, InterruptedException {
        Path zip;
        long uncompressed;
        if (input != null) {
            zip = input.toAbsolutePath();
            uncompressed = uncompressedSize(zip);
        } else {
            zip = work.resolve(String.format("bench-%dmb-level%d.zip", sizeMb, level));
            long started = System.nanoTime();
            BenchArchive.Summary s = BenchArchive.write(zip, sizeMb << 20, level, 42);
            uncompressed = s.uncompressedBytes();
            System.out.printf(Locale.ROOT, "Generated %s: %d entries, %s uncompressed, %s compressed (level %d), in %.1f s%n",
                    zip, s.entries(), mib(uncompressed), mib(s.compressedBytes()), level, seconds(System.nanoTime() - started));
        }
        System.out.printf(Locale.ROOT, "Machine: %d cores, Java %s, max heap %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), mib(Runtime.getRuntime().maxMemory()));

        Map<String, List<Double>> times = new LinkedHashMap<>();
        times.put("ours", new ArrayList<>());
        Optional<Path> unzip = onPath("unzip");
        Optional<Path> bsdtar = onPath("bsdtar");
        if (unzip.isPresent()) {
            times.put("unzip", new ArrayList<>());
        } else {
            System.out.println("unzip is not installed (Debian: apt-get install unzip); timing our unpacker only.");
        }
        if (bsdtar.isPresent()) {
            times.put("bsdtar", new ArrayList<>());
        } else {
            System.out.println("bsdtar is not installed (Debian: apt-get install libarchive-tools); leaving it out.");
        }
        for (int run = 1; run <= runs; run++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "run %d:", run));
            for (String tool : times.keySet()) {
                Path target = Files.createDirectories(work.resolve(tool + "-" + run));
                long started = System.nanoTime();
                switch (tool) {
                    case "ours" -> ours(zip, target);
                    case "unzip" -> external(List.of(unzip.get().toString(), "-q", "-o", zip.toString(), "-d", target.toString()));
                    default -> external(List.of(bsdtar.get().toString(), "-xf", zip.toString(), "-C", target.toString()));
                }
                double s = seconds(System.nanoTime() - started);
                times.get(tool).add(s);
                line.append(String.format(Locale.ROOT, "  %s %.2f s", tool, s));
                DurableFiles.deleteTree(target);
            }
            System.out.println(line);
        }

        System.out.printf(Locale.ROOT, "%nMedians over %d runs, %s of uncompressed output:%n", runs, mib(uncompressed));
        double ours = median(times.get("ours"));
        for (var e : times.entrySet()) {
            double m = median(e.getValue());
            System.out.printf(Locale.ROOT, "  %-7s %7.2f s  %7.1f MB/s%s%n", e.getKey(), m, uncompressed / 1e6 / m,
                    e.getKey().equals("ours") ? "" : String.format(Locale.ROOT, "   ours/%s = %.2f (time; below 1 is faster)", e.getKey(), ours / m));
        }
        System.out.printf(Locale.ROOT, "Peak heap %s, peak RSS of this JVM %s (generation included)%n", mib(peakHeap()), peakRss());
        return 0;
    }

    private static void ours(Path zip, Path staging) throws IOException {
        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), PartFormat.DEFAULT_MAX_BYTES)) {
            new ContentProcessor(new JsonRecordSplitter(), UnpackLimits.defaults()).process(new FileInputSource(zip), out);
        }
    }

    private static void external(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        int code = p.waitFor();
        if (code != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + code);
        }
    }

    private static long uncompressedSize(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return z.stream().mapToLong(e -> Math.max(0, e.getSize())).sum();
        }
    }

    private static Optional<Path> onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(d -> Path.of(d, tool))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static String peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
