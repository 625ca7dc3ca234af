package dev.efspipe.processor.transform;

import dev.efspipe.manifest.Lineage;
import dev.efspipe.processor.reference.ReferenceDataCache;
import dev.efspipe.spi.RecordTransform;

import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transforms of one job, open: the chain its records go through, the lineage its manifest states, and
 * what it holds (plugin versions, reference data versions) until {@link #close()}.
 */
public final class JobTransforms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobTransforms.class.getName());

    /** No transforms: no chain, no lineage. */
    public static final JobTransforms NONE = new JobTransforms(null, null);

    private final PluginLoader loader;
    private final ReferenceDataCache cache;
    final List<RecordTransformChain.Step> steps = new ArrayList<>();
    final List<RecordTransform> instances = new ArrayList<>();
    final List<LoadedPlugin> plugins = new ArrayList<>();
    final List<Lineage.Transform> lineage = new ArrayList<>();
    final List<Transforms.Context> contexts = new ArrayList<>();
    RecordTransformChain chain;
    private boolean closed;

    JobTransforms(PluginLoader loader, ReferenceDataCache cache) {
        this.loader = loader;
        this.cache = cache;
    }

    /** The chain for the job's records, or null when it has no transforms. */
    public RecordTransformChain chain() {
        return chain;
    }

    /**
     * What the manifest (or a checkpoint) states: each transform with its version, jar SHA-256, options and the
     * reference data versions it read; null when the job has no transforms.
     */
    public Lineage lineage(long recordsIn, long recordsWritten) {
        if (chain == null) {
            return null;
        }
        List<Lineage.Transform> out = new ArrayList<>();
        for (int i = 0; i < lineage.size(); i++) {
            Lineage.Transform t = lineage.get(i);
            List<Lineage.Reference> read;
            synchronized (contexts.get(i)) {
                read = List.copyOf(contexts.get(i).read);
            }
            out.add(new Lineage.Transform(t.name(), t.kind(), t.version(), t.sha256(), t.options(), read));
        }
        return new Lineage(out, recordsIn, recordsIn - recordsWritten);
    }

    private static ClassLoader loaderOf(RecordTransform t) {
        ClassLoader cl = t.getClass().getClassLoader();
        return cl instanceof URLClassLoader ? cl : null;
    }

    /** Closes every instance (errors are logged) and releases the plugins and reference data the job held. */
    @Override
    public void close() {
        if (this == NONE || closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < instances.size(); i++) {
            RecordTransform t = instances.get(i);
            ClassLoader cl = plugins.size() > 0 ? loaderOf(t) : null;
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            try {
                if (cl != null) {
                    thread.setContextClassLoader(cl);
                }
                t.close();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "Closing transform " + (i < steps.size() ? steps.get(i).label() : t.getClass().getName()) + " failed", e);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        for (Transforms.Context c : contexts) {
            synchronized (c) {
                c.acquired.forEach(cache::release);
            }
        }
        plugins.forEach(loader::release);
    }
}
