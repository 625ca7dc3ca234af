package dev.efspipe.processor.transform;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.Job;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.plugin.PluginStore;
import dev.efspipe.processor.config.TransformRules;
import dev.efspipe.processor.json.JsonLimits;
import dev.efspipe.processor.json.RecordCheck;
import dev.efspipe.processor.reference.PublishedReference;
import dev.efspipe.processor.reference.ReferenceDataCache;
import dev.efspipe.spi.RecordTransform;
import dev.efspipe.spi.ReferenceData;
import dev.efspipe.spi.TransformContext;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The record transforms of an execution environment: which chain a job gets ({@link TransformRules}, or the
 * job's own choice), the built-in ones ({@code lookup}), the published plugins ({@link PluginLoader}) and the
 * reference data they read ({@link ReferenceDataCache}). Built once per environment; loaded plugins and
 * reference indexes are kept from job to job.
 *
 * <p>{@link #open} resolves each plugin's and each reference dataset's {@code CURRENT} when a job starts, so a
 * newly published version is used from the next job on and never in the middle of one; a job continuing from a
 * checkpoint uses the versions its first invocation used (its lineage), or starts over if they are gone.
 */
public final class Transforms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Transforms.class.getName());

    /** The built-in transforms; no plugin can be published under these names. */
    public static final Set<String> BUILT_IN = Set.of(LookupTransform.NAME);

    private final TransformRules rules;
    private final PluginLoader plugins;
    private final ReferenceDataCache references;
    private final RecordCheck check;
    private final Path localDir;

    /**
     * @param localDir where plugin jars are copied and reference indexes built (local disk: {@code /tmp} in Lambda)
     */
    public Transforms(Path efsRoot, TransformRules rules, JsonLimits limits, Path localDir) {
        EfsLayout layout = new EfsLayout(efsRoot);
        // Only reads: a publish (which locks and writes) never happens through this store.
        PluginStore store = new PluginStore(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(30), Clock.systemUTC());
        this.rules = rules;
        this.plugins = new PluginLoader(store, localDir.resolve("plugins"));
        this.references = new ReferenceDataCache(efsRoot, localDir.resolve("reference"));
        this.check = new RecordCheck(limits);
        this.localDir = localDir;
    }

    /**
     * Removes the local copies of plugins and the reference indexes (a command that ends; a Lambda environment
     * never calls it, its {@code /tmp} goes with it).
     */
    @Override
    public void close() throws IOException {
        DurableFiles.deleteTree(localDir);
    }

    /** A local directory of this process for plugin copies and indexes: {@code <java.io.tmpdir>/efspipe-<pid>}. */
    public static Path defaultLocalDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "efspipe-" + ProcessHandle.current().pid());
    }

    /**
     * The chain a job gets: its own choice if its announcement made one, else the rule for its key (an S3 key,
     * an inbox path; for a local file of {@code ./pipeline process}, its file name).
     */
    public List<TransformSpec> chosenFor(Job job) {
        if (job.transforms() != null) {
            return job.transforms();
        }
        String key = job.source().key();
        if (job.source().scheme() == UploadSource.Scheme.FILE) {
            key = Path.of(key).getFileName().toString();
        }
        return rules.chainFor(key);
    }

    PluginLoader plugins() {
        return plugins;
    }

    /**
     * Opens the chain for one job: resolves versions, loads plugins, creates and opens one instance of each.
     *
     * @param pinned the lineage of the job's earlier invocations (a continuation), or null
     * @throws StaleCheckpointException when a pinned version is gone or the chain is not the pinned one
     * @throws TransformFailedException when a transform is unknown, cannot be loaded or refuses its options
     * @throws IOException a transient failure (EFS): the job is retried
     */
    public JobTransforms open(List<TransformSpec> specs, Lineage pinned) throws IOException {
        if (specs.isEmpty()) {
            if (pinned != null && !pinned.transforms().isEmpty()) {
                throw new StaleCheckpointException("the job's earlier invocations applied transforms, this one would apply none");
            }
            return JobTransforms.NONE;
        }
        if (pinned != null && !sameChain(specs, pinned)) {
            throw new StaleCheckpointException("the transforms chosen now (" + specs + ") are not those the job began with");
        }
        JobTransforms job = new JobTransforms(plugins, references);
        try {
            for (int i = 0; i < specs.size(); i++) {
                open(job, specs.get(i), pinned == null ? null : pinned.transforms().get(i));
            }
            job.chain = new RecordTransformChain(job.steps, check);
            return job;
        } catch (IOException | RuntimeException e) {
            job.close();
            throw e;
        }
    }

    private static boolean sameChain(List<TransformSpec> specs, Lineage pinned) {
        if (specs.size() != pinned.transforms().size()) {
            return false;
        }
        for (int i = 0; i < specs.size(); i++) {
            Lineage.Transform t = pinned.transforms().get(i);
            if (!t.name().equals(specs.get(i).name()) || !t.options().equals(Map.copyOf(specs.get(i).options()))) {
                return false;
            }
        }
        return true;
    }

    private void open(JobTransforms job, TransformSpec spec, Lineage.Transform pinned) throws IOException {
        RecordTransform instance;
        String label;
        String kind;
        String version = null;
        String sha = null;
        ClassLoader loader = null;
        if (BUILT_IN.contains(spec.name())) {
            instance = new LookupTransform();
            label = spec.name();
            kind = Lineage.BUILTIN;
        } else {
            PluginName name = PluginName.of(spec.name());
            Version v;
            if (pinned != null) {
                v = new Version(pinned.version());
            } else {
                v = plugins.current(name).orElseThrow(() -> new TransformFailedException("Transform '" + spec.name()
                        + "' is neither built in " + BUILT_IN + " nor a published plugin (nothing in plugins/" + spec.name()
                        + "/CURRENT; publish it with ./pipeline plugin publish " + spec.name() + " JAR)"));
            }
            LoadedPlugin plugin;
            try {
                plugin = plugins.acquire(name, v);
            } catch (NoSuchFileException gone) {
                if (pinned != null) {
                    throw new StaleCheckpointException("plugin " + name + "@" + v + ", which the job began with, is no longer published");
                }
                throw gone; // unpublished between reading CURRENT and loading it: retried, it reads CURRENT again
            }
            job.plugins.add(plugin);
            label = plugin.label();
            kind = Lineage.PLUGIN;
            version = v.value();
            sha = plugin.metadata().sha256();
            loader = plugin.classLoader();
            if (pinned != null && !sha.equals(pinned.sha256())) {
                throw new StaleCheckpointException("plugin " + label + " no longer has the SHA-256 the job began with");
            }
            try {
                instance = newInstance(plugin);
            } catch (RuntimeException | LinkageError e) {
                throw new TransformFailedException("Transform '" + label + "' could not be created: " + e, e);
            }
        }
        Context context = new Context(spec, label, pinned);
        job.instances.add(instance);
        job.contexts.add(context);
        try {
            openWithContextLoader(instance, context, loader);
        } catch (IOException e) {
            throw e; // transient, as the contract says (or already sorted: stale checkpoint, failed transform)
        } catch (Exception | LinkageError | StackOverflowError e) {
            throw new TransformFailedException("Transform '" + label + "' could not be opened: " + e.getMessage()
                    + " (options " + spec.options() + ")", e);
        }
        if (!spec.name().equals(instance.name())) {
            LOG.warning("Transform chosen as '" + spec.name() + "' calls itself '" + instance.name() + "'");
        }
        job.steps.add(new RecordTransformChain.Step(label, instance, loader));
        job.lineage.add(new Lineage.Transform(spec.name(), kind, version, sha, spec.options(), null));
    }

    private static RecordTransform newInstance(LoadedPlugin plugin) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.classLoader());
        try {
            return plugin.newInstance();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** A plugin runs with its own class loader as the thread's context class loader (libraries that look there find theirs). */
    private static void openWithContextLoader(RecordTransform t, TransformContext context, ClassLoader loader) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (loader != null) {
            thread.setContextClassLoader(loader);
        }
        try {
            t.open(context);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** What one transform instance sees of the job; records the reference data it reads, for the lineage. */
    final class Context implements TransformContext {
        private final TransformSpec spec;
        private final String label;
        private final Lineage.Transform pinned;
        final List<PublishedReference> acquired = new ArrayList<>();
        final List<Lineage.Reference> read = new ArrayList<>();

        Context(TransformSpec spec, String label, Lineage.Transform pinned) {
            this.spec = spec;
            this.label = label;
            this.pinned = pinned;
        }

        @Override
        public String transformName() {
            return spec.name();
        }

        @Override
        public Map<String, String> options() {
            return spec.options();
        }

        @Override
        public synchronized ReferenceData referenceData(String dataset) throws IOException {
            DatasetName name = DatasetName.of(dataset);
            for (PublishedReference ref : acquired) {
                if (ref.dataset().equals(name.value())) {
                    return ref;
                }
            }
            Optional<Version> pin = pinned == null ? Optional.empty() : pinned.references().stream()
                    .filter(r -> r.dataset().equals(name.value())).findFirst().map(r -> new Version(r.version()));
            PublishedReference ref;
            try {
                ref = references.acquire(name, pin);
            } catch (NoSuchFileException gone) {
                if (pin.isPresent()) {
                    throw new StaleCheckpointException("reference " + name + "/" + pin.get() + ", which transform '" + label
                            + "' began with, is no longer published");
                }
                throw gone;
            }
            acquired.add(ref);
            read.add(new Lineage.Reference(ref.dataset(), ref.version()));
            return ref;
        }
    }
}
