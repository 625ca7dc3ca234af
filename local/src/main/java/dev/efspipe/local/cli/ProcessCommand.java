package dev.efspipe.local.cli;

import com.fasterxml.jackson.core.JsonPointer;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.job.Job;
import dev.efspipe.job.LocalProcess;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.processor.ProcessorService;
import dev.efspipe.processor.config.PartFormat;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.text.Printable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Runs the processor on a local file, publishing into an EFS directory exactly as the Lambda does. */
@Command(name = "process", mixinStandardHelpOptions = true,
        description = "Process a local file (no queues) and publish it into an EFS directory.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:published, or already published before", "1:transient error (retry)",
                "2:the input was rejected (see failed/ in the EFS directory)",
                "3:another processor is working on the same upload right now"})
final class ProcessCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The file: zip, tar, tar.gz/.bz2/.xz, gzip, bzip2, xz, JSON, or anything else (kept as a file).")
    Path file;

    @Option(names = "--efs", required = true, description = "The directory standing in for the EFS access point.")
    Path efs;

    @Option(names = "--dataset", description = "Dataset name (default: derived from the file name).")
    String dataset;

    @Option(names = "--record-pointer", paramLabel = "/p/q",
            description = "JSON Pointer to the records of a JSON document (plain or compressed, not an archive's entries):"
                    + " an array there gives its elements, an object its members. Default: detected. The same as an"
                    + " efs-upload message's recordPointer or PIPELINE_RECORD_POINTERS in the Lambda.")
    String recordPointer;

    @Option(names = "--part-size", description = "Bound of one NDJSON part in bytes (default: PIPELINE_PART_MAX_BYTES, else 128 MiB).")
    Long partSize;

    @Option(names = "--transform", paramLabel = "NAME[(OPTION=VALUE,…)]",
            description = "Apply this record transform (repeatable; applied in the order given): a published plugin's name, or "
                    + "lookup(field=…,dataset=…,key=…,into=…). Without it, PIPELINE_TRANSFORMS decides by the file name.")
    List<String> transforms;

    /**
     * The command for {@code process FILE --efs DIR [--dataset NAME] [--record-pointer /p] [--part-size BYTES]}
     * (each option also as {@code --name=value}) read without picocli, or empty for anything else (help, version,
     * an unknown or repeated option such as {@code --transform}, a value that looks like an option, a number that
     * does not parse), which picocli then reads and, where it is wrong, explains. picocli is Java 5 bytecode that
     * class-data sharing cannot archive; building its model costs {@code process} most of a second of CPU at every
     * start. {@code ProcessArgsTest} holds this reading to picocli's on the same arguments.
     */
    static Optional<ProcessCommand> plain(String[] args) {
        if (args.length < 2 || !args[0].equals("process")) {
            return Optional.empty();
        }
        Map<String, String> options = new HashMap<>();
        String positional = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                if (positional != null) {
                    return Optional.empty();
                }
                positional = a;
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (!List.of("--efs", "--dataset", "--record-pointer", "--part-size").contains(name)) {
                return Optional.empty();
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            if (value.isEmpty() || options.put(name, value) != null) {
                return Optional.empty();
            }
        }
        if (positional == null || !options.containsKey("--efs")) {
            return Optional.empty();
        }
        ProcessCommand c = new ProcessCommand();
        try {
            c.file = Path.of(positional);
            c.efs = Path.of(options.get("--efs"));
            c.partSize = options.containsKey("--part-size") ? Long.valueOf(options.get("--part-size")) : null;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        c.dataset = options.get("--dataset");
        c.recordPointer = options.get("--record-pointer");
        return Optional.of(c);
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            System.err.println("No such file: " + file);
            return 2;
        }
        String pointer = recordPointer == null || recordPointer.isEmpty() ? null : checkedPointer(recordPointer);
        Path abs = file.toAbsolutePath().normalize();
        // The same variables as the Lambda (lease, lock timeout, modes, limits), with the EFS root from --efs,
        // read by the same factory.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(EfsConfig.EFS_ROOT, efs.toAbsolutePath().toString());
        if (partSize != null) {
            env.put(PartFormat.PART_MAX_BYTES, Long.toString(partSize));
        }
        ProcessorService service = ProcessorService.fromEnvironment(env);
        // A local file's identity: its path, size and modification time (a changed file is a new upload), and the
        // pointer asked for: running again with another pointer (as a refusal may suggest) is another job.
        String tag = "mtime-" + Files.getLastModifiedTime(abs).toMillis() + (pointer == null ? "" : " pointer " + pointer);
        UploadSource source = UploadSource.file(abs.toString(), tag, Files.size(abs));
        DatasetName name = dataset != null ? DatasetName.of(dataset) : DatasetName.fromObjectKey(abs.getFileName().toString());
        Job job = Job.of(source, name, Instant.now(), null, pointer);
        if (transforms != null) {
            List<TransformSpec> chain = new ArrayList<>();
            for (String t : transforms) {
                chain.addAll(TransformSpec.parseChain(t));
            }
            job = job.withTransforms(chain);
        }
        InputSource input = new FileInputSource(abs);
        // On a terminal, a progress bar over the bytes read from the file; in a pipe or a log, nothing.
        ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("Processing")
                .setInitialMax(Files.size(abs)).setUnit(" MiB", 1 << 20).showSpeed().setUpdateIntervalMillis(500).build();
        if (bar != null) {
            input = input.withProgress((done, total) -> bar.stepTo(Math.min(done, total)));
        }
        JobOutcome outcome;
        try {
            outcome = service.run(job, input, LocalProcess.ownerName("cli/" + ProcessHandle.current().pid(), System.getenv()));
        } finally {
            service.close(); // the local copies of plugins and reference indexes
            if (bar != null) {
                bar.close();
            }
        }
        switch (outcome.status()) {
            case PUBLISHED, DUPLICATE -> {
                System.out.println(outcome.status() + ": " + outcome.detail());
                if (outcome.manifest() != null && outcome.manifest().lineage() != null) {
                    for (var t : outcome.manifest().lineage().transforms()) {
                        System.out.println("  transform " + t.label() + (t.sha256() == null ? "" : "  jar SHA-256 " + t.sha256())
                                + t.references().stream().map(r -> "  reference " + r.dataset() + "/" + r.version()).reduce("", String::concat));
                    }
                }
                if (outcome.manifest() != null) {
                    // One write for the whole list: System.out flushes every piece of a printf (thousands of files,
                    // six system calls each, cost a zip of small entries a tenth of a second).
                    StringBuilder list = new StringBuilder();
                    outcome.manifest().parts().forEach(p -> list.append("  ").append(p.name()).append("  ").append(p.records())
                            .append(" records  ").append(p.bytes()).append(" bytes").append(System.lineSeparator()));
                    outcome.manifest().files().forEach(f -> list.append("  ").append(f.name()).append("  ").append(f.bytes())
                            .append(" bytes").append(System.lineSeparator()));
                    System.out.print(list);
                }
                return 0;
            }
            case FAILED -> {
                System.err.println("Rejected: " + outcome.detail());
                System.err.println("  (recorded in " + new EfsLayout(efs.toAbsolutePath()).failedRecord(job.id()) + ")");
                return 2;
            }
            default -> {
                System.err.println(outcome.status() + ": " + outcome.detail());
                return 3;
            }
        }
    }

    /** A JSON Pointer as the Lambda path takes it: empty (detect) or starting with '/', with valid ~ escapes. */
    private static String checkedPointer(String pointer) {
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("--record-pointer '" + Printable.escape(pointer)
                    + "' is not a JSON Pointer: it starts with '/', e.g. /records or /data/items");
        }
        try {
            JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--record-pointer '" + Printable.escape(pointer) + "' is not a JSON Pointer: "
                    + Printable.escape(e.getMessage()));
        }
        return pointer;
    }
}
