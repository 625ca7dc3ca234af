package dev.efspipe.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What produced a version's records besides its source: the record transforms applied, in order, each
 * with the exact code (a plugin's published version and the SHA-256 of its jar) and the exact reference
 * data (each dataset's version) it used. A job keeps the same versions from its first record to its last,
 * across continuations.
 *
 * @param transforms     the chain, in the order applied
 * @param recordsIn      records read from the input
 * @param recordsDropped records a transform dropped (the manifest's {@code records} are those written)
 */
public record Lineage(List<Transform> transforms, long recordsIn, long recordsDropped) {
    public static final String PLUGIN = "plugin";
    public static final String BUILTIN = "builtin";

    public Lineage {
        transforms = List.copyOf(transforms);
    }

    /**
     * One transform of the chain.
     *
     * @param name       the name the job chose it by
     * @param kind       {@value #PLUGIN} (published under {@code plugins/}) or {@value #BUILTIN}
     * @param version    a plugin's published version; null for a built-in one
     * @param sha256     the SHA-256 of the plugin's jar as loaded; null for a built-in one
     * @param options    the options the job gave it
     * @param references the published datasets it read, each in the version it used
     */
    public record Transform(String name, String kind, String version, String sha256, Map<String, String> options,
                            List<Reference> references) {
        public Transform {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
            references = references == null ? List.of() : List.copyOf(references);
        }

        /** How a person names it: {@code mask-email@20261126T061500.123Z-3f2a9c0d11be}, or the bare name. */
        public String label() {
            return version == null ? name : name + "@" + version;
        }
    }

    /** A published dataset a transform read, in the version it read. */
    public record Reference(String dataset, String version) {}
}
