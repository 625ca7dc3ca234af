package dev.efspipe.spi;

import java.io.IOException;
import java.util.Map;

/**
 * What a {@link RecordTransform} gets for one job: its options and read-only access to published datasets.
 * Valid from {@link RecordTransform#open} to {@link RecordTransform#close}.
 */
public interface TransformContext {

    /** The name the job chose the transform by. */
    String transformName();

    /**
     * The options the job gives this transform (from {@code PIPELINE_TRANSFORMS}, the {@code efs-upload} message
     * or {@code ./pipeline process --transform}), e.g. {@code field=customerId}. Unmodifiable, never null.
     */
    Map<String, String> options();

    /**
     * A required option.
     *
     * @throws IllegalArgumentException naming the transform and the option, when it is missing or blank
     */
    default String option(String name) {
        String value = options().get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("transform '" + transformName() + "' needs the option " + name
                    + " (options given: " + options().keySet() + ")");
        }
        return value;
    }

    /** An optional option, or {@code fallback} when it is missing. */
    default String option(String name, String fallback) {
        String value = options().get(name);
        return value == null ? fallback : value;
    }

    /**
     * A published dataset, in the version its {@code CURRENT} named when this job started; the same version
     * for the whole job, even if a newer one is published meanwhile (the next job sees that one). The version
     * is recorded in the output's lineage.
     *
     * @param dataset the dataset's name, e.g. {@code customers}
     * @throws IllegalArgumentException when the dataset has no published version (the job fails permanently)
     * @throws IOException when it cannot be read now (the job is retried)
     */
    ReferenceData referenceData(String dataset) throws IOException;
}
