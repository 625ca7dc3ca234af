package dev.efspipe.processor.config;

import dev.efspipe.config.Settings;
import dev.efspipe.job.TransformSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which transforms the processor applies to an upload its announcement chose none for: a chain per key prefix,
 * the longest matching prefix winning, from {@code PIPELINE_TRANSFORMS}, read once at initialisation, e.g.
 * <pre>PIPELINE_TRANSFORMS=orders/=lookup(field=customerId,dataset=customers,key=id,into=customer)|mask-email,logs/=mask-email,orders/raw/=</pre>
 * An empty prefix matches every key; an empty chain applies none (to exempt a sub-prefix).
 *
 * @param rules the prefixes and their chains, longest prefix first
 */
public record TransformRules(List<PrefixChain> rules) {
    public static final String TRANSFORMS = "PIPELINE_TRANSFORMS";
    public static final TransformRules NONE = new TransformRules(List.of());

    /** A key prefix and the chain for uploads under it. */
    public record PrefixChain(String prefix, List<TransformSpec> chain) {
        public PrefixChain {
            chain = List.copyOf(chain);
        }
    }

    public TransformRules {
        List<PrefixChain> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt((PrefixChain r) -> r.prefix().length()).reversed());
        rules = List.copyOf(sorted);
    }

    public static TransformRules from(Settings settings) {
        var raw = settings.optional(TRANSFORMS);
        if (raw.isEmpty()) {
            return NONE;
        }
        List<PrefixChain> rules = new ArrayList<>();
        for (String entry : TransformSpec.splitOutsideParentheses(raw.get(), ',')) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq < 0 || e.substring(0, eq).contains("(")) {
                throw settings.invalid(TRANSFORMS, raw.get(), "must be prefix=transform|transform… entries separated by commas; '"
                        + e + "' has no prefix=");
            }
            String prefix = e.substring(0, eq).trim();
            if (rules.stream().anyMatch(r -> r.prefix().equals(prefix))) {
                throw settings.invalid(TRANSFORMS, raw.get(), "gives the prefix '" + prefix + "' twice");
            }
            try {
                rules.add(new PrefixChain(prefix, TransformSpec.parseChain(e.substring(eq + 1))));
            } catch (IllegalArgumentException bad) {
                throw settings.invalid(TRANSFORMS, raw.get(), "has a bad chain for the prefix '" + prefix + "': " + bad.getMessage());
            }
        }
        return new TransformRules(rules);
    }

    /** The chain for an upload's key (or inbox path, or file name): the longest matching prefix's, else none. */
    public List<TransformSpec> chainFor(String key) {
        return rules.stream().filter(r -> key.startsWith(r.prefix())).map(PrefixChain::chain).findFirst().orElse(List.of());
    }
}
