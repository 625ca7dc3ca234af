package dev.efspipe.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which uploads become jobs, and how their JSON is read; from the environment, checked at initialisation.
 *
 * @param acceptPrefixes  keys (or inbox paths) must start with one of these; empty accepts all
 * @param acceptSuffixes  keys must end with one of these; empty accepts all
 * @param maxObjectBytes  larger uploads are refused (dead-lettered with the reason)
 * @param recordPointers  JSON Pointer to the records per key prefix; the longest matching prefix wins
 */
public record IngestRules(List<String> acceptPrefixes, List<String> acceptSuffixes, long maxObjectBytes,
                          List<PrefixPointer> recordPointers) {
    public static final String ACCEPT_PREFIXES = "PIPELINE_ACCEPT_PREFIXES";
    public static final String ACCEPT_SUFFIXES = "PIPELINE_ACCEPT_SUFFIXES";
    public static final String MAX_OBJECT_BYTES = "PIPELINE_MAX_OBJECT_BYTES";
    public static final String RECORD_POINTERS = "PIPELINE_RECORD_POINTERS";

    /** Accepts everything up to S3's largest object (5 TiB), JSON records detected. */
    public static final IngestRules ACCEPT_ALL = new IngestRules(List.of(), List.of(), 5L << 40, List.of());

    /** A key prefix and the JSON Pointer of the records in documents under it. */
    public record PrefixPointer(String prefix, String pointer) {
        public PrefixPointer {
            if (!pointer.isEmpty() && !pointer.startsWith("/")) {
                throw new IllegalArgumentException(RECORD_POINTERS + ": pointer '" + pointer + "' for prefix '" + prefix
                        + "' must be empty or start with '/'");
            }
        }
    }

    public IngestRules {
        acceptPrefixes = List.copyOf(acceptPrefixes);
        acceptSuffixes = List.copyOf(acceptSuffixes);
        List<PrefixPointer> sorted = new ArrayList<>(recordPointers);
        sorted.sort(Comparator.comparingInt((PrefixPointer p) -> p.prefix().length()).reversed());
        recordPointers = List.copyOf(sorted);
        if (maxObjectBytes <= 0) {
            throw new IllegalArgumentException(MAX_OBJECT_BYTES + " must be positive, got " + maxObjectBytes);
        }
    }

    /**
     * {@code PIPELINE_ACCEPT_PREFIXES=uploads/,incoming/}, {@code PIPELINE_ACCEPT_SUFFIXES=.zip,.json},
     * {@code PIPELINE_MAX_OBJECT_BYTES=2000000000}, {@code PIPELINE_RECORD_POINTERS=api/=/data/items,exports/=/records}.
     */
    public static IngestRules from(Settings settings) {
        List<PrefixPointer> pointers = new ArrayList<>();
        for (String pair : settings.list(RECORD_POINTERS)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw settings.invalid(RECORD_POINTERS, pair, "must be prefix=/pointer pairs separated by commas");
            }
            String pointer = pair.substring(eq + 1);
            if (!pointer.isEmpty() && !pointer.startsWith("/")) {
                throw settings.invalid(RECORD_POINTERS, pair, "must give each prefix a JSON Pointer that is empty or starts with '/'");
            }
            pointers.add(new PrefixPointer(pair.substring(0, eq), pointer));
        }
        return new IngestRules(settings.list(ACCEPT_PREFIXES), settings.list(ACCEPT_SUFFIXES),
                settings.longValue(MAX_OBJECT_BYTES, ACCEPT_ALL.maxObjectBytes(), 1, Long.MAX_VALUE, "bytes"), pointers);
    }

    /** Why a key is not accepted, or empty if it is. */
    public Optional<String> rejection(String key) {
        if (!acceptPrefixes.isEmpty() && acceptPrefixes.stream().noneMatch(key::startsWith)) {
            return Optional.of("its key does not start with any of " + acceptPrefixes + " (" + ACCEPT_PREFIXES + ")");
        }
        if (!acceptSuffixes.isEmpty() && acceptSuffixes.stream().noneMatch(key::endsWith)) {
            return Optional.of("its key does not end with any of " + acceptSuffixes + " (" + ACCEPT_SUFFIXES + ")");
        }
        return Optional.empty();
    }

    /** The record pointer for a key: the longest configured prefix that matches, else null (detect). */
    public String recordPointer(String key) {
        return recordPointers.stream().filter(p -> key.startsWith(p.prefix())).map(PrefixPointer::pointer)
                .findFirst().orElse(null);
    }
}
