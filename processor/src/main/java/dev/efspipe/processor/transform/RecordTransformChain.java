package dev.efspipe.processor.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.efspipe.processor.json.FieldSummary;
import dev.efspipe.processor.json.RecordCheck;
import dev.efspipe.spi.RecordTransform;

import java.io.IOException;
import java.util.List;

/**
 * The record transforms of one job, applied in order to each record on its way to the part file: the one
 * place where records meet transform code. Each result is checked ({@link RecordCheck}) before it goes on, so
 * a failure names the transform that caused it; the last result's fields feed the manifest's field summary.
 *
 * <p>A job without transforms has no chain at all (the record path then copies input bytes straight into the
 * part, with nothing in between).
 */
public final class RecordTransformChain {
    /**
     * One transform, how messages name it ({@code mask-email@20261126T…}, or {@code lookup}), and its plugin's
     * class loader (null for a built-in one), which is the thread's context class loader while it runs.
     */
    public record Step(String label, RecordTransform transform, ClassLoader loader) {
        public Step(String label, RecordTransform transform) {
            this(label, transform, null);
        }
    }

    private final Step[] steps;
    private final RecordCheck check;

    public RecordTransformChain(List<Step> steps, RecordCheck check) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("A chain has at least one transform; a job without transforms has no chain");
        }
        this.steps = steps.toArray(new Step[0]);
        this.check = check;
    }

    /**
     * Applies the chain to one record.
     *
     * @param record  the record's bytes (given to the first transform, which may keep them)
     * @param index   the record's index in the job's input, for messages
     * @param source  the document or archive entry it came from, for messages
     * @param summary where the fields of the result are counted
     * @return the result, or null when a transform dropped the record
     * @throws TransformFailedException when a transform throws or returns anything but one JSON value
     */
    public byte[] apply(byte[] record, long index, String source, FieldSummary summary) throws TransformFailedException {
        byte[] current = record;
        for (int i = 0; i < steps.length; i++) {
            Step step = steps[i];
            Thread thread = null;
            ClassLoader previous = null;
            if (step.loader != null) {
                thread = Thread.currentThread();
                previous = thread.getContextClassLoader();
                thread.setContextClassLoader(step.loader);
            }
            try {
                current = step.transform.apply(current);
            } catch (VirtualMachineError e) {
                if (!(e instanceof StackOverflowError)) {
                    throw e; // out of memory is the JVM's state, not the plugin's answer
                }
                throw failed(step, index, source, "threw " + e, e);
            } catch (Throwable e) {
                throw failed(step, index, source, "threw " + e, e);
            } finally {
                if (thread != null) {
                    thread.setContextClassLoader(previous);
                }
            }
            if (current == null) {
                return null;
            }
            try {
                check.check(current, i == steps.length - 1 ? summary : null);
            } catch (JsonProcessingException e) {
                var at = e.getLocation();
                throw failed(step, index, source, "returned invalid JSON: " + e.getOriginalMessage()
                        + (at == null ? "" : " at byte " + at.getByteOffset() + " of its " + current.length + "-byte result"), e);
            } catch (IOException e) {
                throw failed(step, index, source, "returned invalid JSON: " + e.getMessage(), e);
            }
        }
        return current;
    }

    private static TransformFailedException failed(Step step, long index, String source, String what, Throwable cause) {
        return new TransformFailedException("Transform '" + step.label + "' " + what + " (record " + index + " of " + source + ")", cause);
    }
}
