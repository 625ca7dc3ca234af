package dev.efspipe.local.bench;

import dev.efspipe.fs.DurableFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
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

/**
 * {@code ./pipeline bench e2e}: the real commands as separate processes, timed from outside (JVM start, output,
 * manifest, fsync and publish included), interleaved on the same files with the page cache warm, against the
 * baselines of the performance goals: a bare Jackson token scan in its own JVM, {@code bsdtar -xf} (alone and
 * followed by {@code sync}, which makes its output as durable as ours), {@code unzip -q}, and {@code bsdtar}
 * extraction followed by our JSON path. Ours is the launcher, {@code ./pipeline process FILE --efs DIR}, with a
 * fresh EFS directory per run; zip cases run it with {@code -Xmx256m} (through {@code PIPELINE_JAVA_OPTS}, as
 * anyone would). A baseline whose tool is not installed is left out with a message.
 *
 * <p>The in-process benchmarks ({@code bench json}, {@code bench unzip}) stay for profiling; this one answers how
 * long a person waits.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "Time the real commands as separate processes against bare-scan, bsdtar and unzip baselines.")
public final class E2eBenchCommand implements Callable<Integer> {
    static final List<String> ALL_CASES = List.of("json", "zip-one", "zip-small", "zip-json", "map");

    @Option(names = "--size-mb", defaultValue = "1024", description = "Size of the JSON document (MiB; default ${DEFAULT-VALUE}).")
    long sizeMb;

    @Option(names = "--small-mb", description = "Uncompressed size of the zip of small entries (MiB; default a quarter of --size-mb).")
    Long smallMb;

    @Option(names = "--map-mb", description = "Size of the map-like document (MiB; default a quarter of --size-mb).")
    Long mapMb;

    @Option(names = "--runs", defaultValue = "5", description = "Counted runs of each command (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "1", description = "Uncounted rounds first (default ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--cases", split = ",", description = "Which of json, zip-one, zip-small, zip-json, map (default: all).")
    List<String> cases = ALL_CASES;

    @Option(names = "--json", description = "Use this JSON document instead of generating one (the zips are made from it).")
    Path json;

    @Option(names = "--dir", description = "Work directory; generated inputs are kept there and reused (default: a temporary one, removed).")
    Path dir;

    @Option(names = "--launcher", description = "The launcher to time (default: the ./pipeline next to this jar's project).")
    Path launcher;

    @Option(names = "--before", description = "Another build's launcher, run as one more command ('before') next to ours, to measure a change as a ratio.")
    Path before;

    @Option(names = "--prepare", description = "Only generate the inputs of the chosen cases (into --dir, to be reused) and exit.")
    boolean prepare;

    @Option(names = "--zip-java-opts", defaultValue = "-Xmx256m", description = "PIPELINE_JAVA_OPTS for the zip cases (default ${DEFAULT-VALUE}).")
    String zipJavaOpts;

    /** One command of a case: {@code {out}} in its arguments is replaced by a fresh, empty directory per run. */
    record Cmd(String label, List<String> argv, Map<String, String> env) {}

    /** Ours against a baseline, with the throughput ratio the issue asks for. */
    record Goal(String ours, String baseline, double atLeast) {}

    record Case(String name, String what, long bytes, List<Cmd> commands, List<Goal> goals) {}

    private final List<String> summary = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (String c : cases) {
            if (!ALL_CASES.contains(c)) {
                throw new IllegalArgumentException("unknown case '" + c + "'; the cases are " + String.join(", ", ALL_CASES));
            }
        }
        Path pipeline = launcher != null ? launcher.toAbsolutePath() : projectRoot().resolve("pipeline");
        if (!Files.isExecutable(pipeline)) {
            throw new IllegalArgumentException("no launcher at " + pipeline + " (give --launcher)");
        }
        Path work = dir != null ? Files.createDirectories(dir.toAbsolutePath()) : Files.createTempDirectory("pipeline-bench-e2e-");
        try {
            System.out.printf(Locale.ROOT, "Machine: %d cores, Java %s, load average %s; %d warm-up round(s), %d counted, interleaved%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage(), warmups, runs);
            Inputs in = new Inputs(work);
            for (String c : cases) {
                Case defined = define(c, in, pipeline);
                if (!prepare) {
                    run(withBefore(defined, pipeline));
                }
            }
            if (prepare) {
                return 0;
            }
            System.out.println();
            System.out.println("| what | median (min–max) | MB/s | throughput ratio | goal |");
            System.out.println("|---|---|---|---|---|");
            summary.forEach(System.out::println);
            return 0;
        } finally {
            if (dir == null) {
                DurableFiles.deleteTree(work);
            }
        }
    }

    /** The inputs, generated on first use. */
    private final class Inputs {
        final Path work;

        Inputs(Path work) {
            this.work = work;
        }

        Path json() throws IOException {
            if (json != null) {
                return json.toAbsolutePath();
            }
            return generated(work.resolve("records-" + sizeMb + "mb.json"), t -> E2eInputs.jsonArray(t, sizeMb << 20));
        }

        Path opaqueZip() throws IOException {
            Path doc = json();
            return generated(work.resolve(stem(doc) + "-opaque.zip"), t -> E2eInputs.oneEntryZip(t, "records.txt", E2eInputs.OPAQUE_PREFIX, doc));
        }

        Path jsonZip() throws IOException {
            Path doc = json();
            return generated(work.resolve(stem(doc) + "-json.zip"), t -> E2eInputs.oneEntryZip(t, "data.json", new byte[0], doc));
        }

        Path smallZip() throws IOException {
            long mb = smallMb != null ? smallMb : Math.max(1, sizeMb / 4);
            return generated(work.resolve("small-entries-" + mb + "mb.zip"), t -> E2eInputs.smallEntriesZip(t, mb << 20));
        }

        Path map() throws IOException {
            long mb = mapMb != null ? mapMb : Math.max(1, sizeMb / 4);
            return generated(work.resolve("map-" + mb + "mb.json"), t -> E2eInputs.mapDocument(t, mb << 20));
        }

        private Path generated(Path target, E2eInputs.Writer writer) throws IOException {
            boolean fresh = !Files.exists(target);
            long t0 = System.nanoTime();
            E2eInputs.cached(target, writer);
            if (fresh) {
                System.out.printf(Locale.ROOT, "Generated %s (%.1f MB) in %.1f s%n", target.getFileName(), Files.size(target) / 1e6,
                        (System.nanoTime() - t0) / 1e9);
            }
            return target;
        }
    }

    private Case define(String name, Inputs in, Path pipeline) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = ownJar().toString();
        Map<String, String> defaultHeap = envWithJavaOpts(null);
        Map<String, String> smallHeap = envWithJavaOpts(zipJavaOpts);
        String p = pipeline.toString();
        Optional<Path> bsdtar = onPath("bsdtar");
        Optional<Path> unzip = onPath("unzip");
        List<Cmd> cmds = new ArrayList<>();
        List<Goal> goals = new ArrayList<>();
        switch (name) {
            case "json", "map" -> {
                Path doc = name.equals("json") ? in.json() : in.map();
                cmds.add(new Cmd("scan", List.of(java, "-cp", jar, TokenScan.class.getName(), doc.toString()), defaultHeap));
                cmds.add(new Cmd("ours", List.of(p, "process", doc.toString(), "--efs", "{out}"), defaultHeap));
                goals.add(new Goal("ours", "scan", name.equals("json") ? 0.8 : 0));
                String what = name.equals("json") ? "JSON array of ~510-byte records" : "map-like document (one object of small members)";
                return new Case(name, what + ", " + doc.getFileName(), Files.size(doc), cmds, goals);
            }
            case "zip-one", "zip-small" -> {
                Path zip = name.equals("zip-one") ? in.opaqueZip() : in.smallZip();
                if (bsdtar.isPresent()) {
                    String b = bsdtar.get().toString();
                    cmds.add(new Cmd("bsdtar+sync", List.of("sh", "-c", "\"$0\" -xf \"$1\" -C \"$2\" && sync", b, zip.toString(), "{out}"), smallHeap));
                    cmds.add(new Cmd("bsdtar", List.of(b, "-xf", zip.toString(), "-C", "{out}"), smallHeap));
                    goals.add(new Goal("ours", "bsdtar+sync", 1.0));
                    goals.add(new Goal("ours", "bsdtar", 0));
                } else {
                    System.out.println("bsdtar is not installed (Debian: apt-get install libarchive-tools): its baselines are left out.");
                }
                if (unzip.isPresent()) {
                    cmds.add(new Cmd("unzip", List.of(unzip.get().toString(), "-q", zip.toString(), "-d", "{out}"), smallHeap));
                    goals.add(new Goal("ours", "unzip", 0));
                } else {
                    System.out.println("unzip is not installed (Debian: apt-get install unzip): its baseline is left out.");
                }
                cmds.add(new Cmd("ours", List.of(p, "process", zip.toString(), "--efs", "{out}"), smallHeap));
                String what = name.equals("zip-one") ? "zip of one opaque entry (the records behind a non-JSON line)"
                        : "zip of many small entries (4–60 KiB)";
                return new Case(name, what + ", " + zip.getFileName() + " (" + mb(Files.size(zip)) + " zipped)", uncompressed(zip), cmds, goals);
            }
            case "zip-json" -> {
                Path zip = in.jsonZip();
                if (bsdtar.isPresent()) {
                    cmds.add(new Cmd("bsdtar, then ours", List.of("sh", "-c",
                            "\"$0\" -xf \"$1\" -C \"$2\" && exec \"$3\" process \"$2/data.json\" --efs \"$2/efs\"",
                            bsdtar.get().toString(), zip.toString(), "{out}", p), smallHeap));
                    goals.add(new Goal("ours", "bsdtar, then ours", 1.2));
                } else {
                    System.out.println("bsdtar is not installed (Debian: apt-get install libarchive-tools): the two-step baseline is left out.");
                }
                cmds.add(new Cmd("ours", List.of(p, "process", zip.toString(), "--efs", "{out}"), smallHeap));
                return new Case(name, "zip of the JSON document (one entry), " + zip.getFileName() + " (" + mb(Files.size(zip)) + " zipped)",
                        uncompressed(zip), cmds, goals);
            }
            default -> throw new IllegalArgumentException("unknown case " + name);
        }
    }

    /** The case with the other build's launcher run next to ours, with the same arguments, when {@code --before} is given. */
    private Case withBefore(Case c, Path pipeline) {
        if (before == null) {
            return c;
        }
        List<Cmd> cmds = new ArrayList<>(c.commands());
        List<Goal> goals = new ArrayList<>(c.goals());
        for (Cmd cmd : c.commands()) {
            if (cmd.label().equals("ours")) {
                List<String> argv = cmd.argv().stream().map(a -> a.equals(pipeline.toString()) ? before.toAbsolutePath().toString() : a).toList();
                cmds.add(cmds.indexOf(cmd), new Cmd("before", argv, cmd.env()));
                goals.add(new Goal("ours", "before", 0));
            }
        }
        return new Case(c.name(), c.what(), c.bytes(), cmds, goals);
    }

    private void run(Case c) throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%n== %s: %s, %s ==%n", c.name(), c.what(), mb(c.bytes()));
        for (Cmd cmd : c.commands()) {
            System.out.printf(Locale.ROOT, "  %-18s %s%s%n", cmd.label(), String.join(" ", cmd.argv()),
                    cmd.env().containsKey("PIPELINE_JAVA_OPTS") ? "   (PIPELINE_JAVA_OPTS=" + cmd.env().get("PIPELINE_JAVA_OPTS") + ")" : "");
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        c.commands().forEach(cmd -> times.put(cmd.label(), new ArrayList<>()));
        StringBuilder line = new StringBuilder();
        for (Interleaved.Slot slot : Interleaved.schedule(c.commands().size(), warmups, this.runs)) {
            Cmd cmd = c.commands().get(slot.command());
            if (slot.command() == 0) {
                line.setLength(0);
                line.append(slot.counted() ? String.format(Locale.ROOT, "  run %d:", slot.round()) : "  warm-up:");
            }
            double s = timed(cmd, c.name());
            if (slot.counted()) {
                times.get(cmd.label()).add(s);
            }
            line.append(String.format(Locale.ROOT, "  %s %.2f s", cmd.label(), s));
            // Each time as soon as it is known: a long run that is stopped half-way still leaves its figures.
            System.out.printf(Locale.ROOT, "    %s %s: %.2f s (load %s)%n", slot.counted() ? "run " + slot.round() : "warm-up",
                    cmd.label(), s, loadAverage());
            if (slot.command() == c.commands().size() - 1) {
                System.out.println(line);
            }
        }
        System.out.printf(Locale.ROOT, "  %-18s %9s %9s %9s %9s%n", "", "median s", "min", "max", "MB/s");
        Map<String, Interleaved.Spread> spreads = new LinkedHashMap<>();
        for (var e : times.entrySet()) {
            Interleaved.Spread s = Interleaved.Spread.of(e.getValue());
            spreads.put(e.getKey(), s);
            System.out.printf(Locale.ROOT, "  %-18s %9.2f %9.2f %9.2f %9.1f%n", e.getKey(), s.median(), s.min(), s.max(),
                    Interleaved.megabytesPerSecond(c.bytes(), s.median()));
        }
        Map<String, String> ratios = new LinkedHashMap<>();
        for (Goal g : c.goals()) {
            double r = Interleaved.throughputRatio(spreads.get(g.baseline()).median(), spreads.get(g.ours()).median());
            Interleaved.Spread pairs = Interleaved.pairwise(times.get(g.baseline()), times.get(g.ours()));
            String verdict = g.atLeast() > 0 ? String.format(Locale.ROOT, "goal >= %.2f: %s", g.atLeast(), r >= g.atLeast() ? "met" : "NOT met") : "";
            System.out.printf(Locale.ROOT, "  %s vs %s: %.2fx throughput (of the medians; pair by pair %.2f–%.2f)   %s%n",
                    g.ours(), g.baseline(), r, pairs.min(), pairs.max(), verdict);
            ratios.put(g.baseline(), String.format(Locale.ROOT, "%.2f vs %s", r, g.baseline()));
        }
        for (var e : spreads.entrySet()) {
            Interleaved.Spread s = e.getValue();
            String ratio = e.getKey().equals("ours") ? String.join("; ", ratios.values()) : "1.00";
            String goal = e.getKey().equals("ours") ? c.goals().stream().filter(g -> g.atLeast() > 0)
                    .map(g -> String.format(Locale.ROOT, ">= %.1f vs %s", g.atLeast(), g.baseline())).reduce((a, b) -> a + "; " + b).orElse("") : "";
            summary.add(String.format(Locale.ROOT, "| %s: %s | %.2f s (%.2f–%.2f) | %.1f | %s | %s |", c.name(), e.getKey(),
                    s.median(), s.min(), s.max(), Interleaved.megabytesPerSecond(c.bytes(), s.median()), ratio, goal));
        }
    }

    /** Runs one command with a fresh output directory and returns its wall time in seconds; the output is deleted after. */
    private double timed(Cmd cmd, String caseName) throws IOException, InterruptedException {
        Path work = dir != null ? dir.toAbsolutePath() : Path.of(System.getProperty("java.io.tmpdir"));
        Path out = Files.createTempDirectory(work, "out-" + caseName + "-");
        Path log = work.resolve("last-" + cmd.label().replaceAll("[^A-Za-z0-9+-]", "_") + ".log");
        List<String> argv = cmd.argv().stream().map(a -> a.replace("{out}", out.toString())).toList();
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(cmd.env());
        cmd.env().forEach((k, v) -> {
            if (v.isEmpty()) {
                pb.environment().remove(k);
            }
        });
        try {
            long t0 = System.nanoTime();
            Process proc = pb.start();
            int code = proc.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (code != 0) {
                throw new IOException(cmd.label() + " exited with " + code + "; its output: " + log + "\n" + tail(log));
            }
            return seconds;
        } finally {
            DurableFiles.deleteTree(out);
        }
    }

    /** The environment with PIPELINE_JAVA_OPTS set to {@code opts}, or removed (an empty value) when null. */
    private static Map<String, String> envWithJavaOpts(String opts) {
        return Map.of("PIPELINE_JAVA_OPTS", opts == null ? "" : opts);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static long uncompressed(Path zip) throws IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.stream().mapToLong(e -> Math.max(0, e.getSize())).sum();
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Optional<Path> onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(d -> Path.of(d, tool))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Path ownJar() {
        try {
            return Path.of(E2eBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path projectRoot() {
        return ownJar().getParent().getParent().getParent(); // <root>/local/target/pipeline-local.jar
    }
}
