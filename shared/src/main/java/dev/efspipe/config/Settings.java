package dev.efspipe.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one reader of configuration: typed getters over a map of variables (a function's environment, or
 * what the local stack and the CLI hand over), with one message format for every bad value:
 * {@code PIPELINE_LEASE_SECONDS='abc' (from the environment) must be a whole number of seconds from 1 to …}.
 *
 * <p>A blank value counts as unset. Every name asked for is remembered ({@link #namesRead()}), so a test can
 * prove that the README's table and the template name exactly the variables the code reads. Not thread-safe:
 * configuration is read once, at initialisation.
 */
public final class Settings {
    /** The origin of a value that was not set. */
    public static final String DEFAULT = "the default";

    private final Map<String, String> values;
    private final String source;
    private final Set<String> read = new TreeSet<>();

    /**
     * @param values the variables
     * @param source where they came from, for messages: {@code "the environment"}
     */
    public Settings(Map<String, String> values, String source) {
        this.values = Map.copyOf(values);
        this.source = source;
    }

    /** A function's environment (or a map standing in for it). */
    public static Settings environment(Map<String, String> env) {
        return new Settings(env, "the environment");
    }

    /** The variable's value, or empty when it is unset or blank. */
    public Optional<String> optional(String name) {
        read.add(name);
        String raw = values.get(name);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.trim());
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    /** A variable without which the function cannot work; {@code why} says what it is for. */
    public String required(String name, String why) {
        return optional(name).orElseThrow(() -> new ConfigurationException(
                name + " is not set (in " + source + "); it is required: " + why));
    }

    /** A whole number from {@code min} to {@code max}; {@code unit} names what it counts ("bytes"). */
    public long longValue(String name, long fallback, long min, long max, String unit) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(message(name, raw.get(), wholeNumber(min, max, unit)), e);
        }
        if (value < min || value > max) {
            throw invalid(name, raw.get(), wholeNumber(min, max, unit));
        }
        return value;
    }

    public int intValue(String name, int fallback, int min, int max, String unit) {
        return (int) longValue(name, fallback, min, max, unit);
    }

    /** A whole number of seconds, at least {@code minSeconds}. */
    public Duration seconds(String name, Duration fallback, long minSeconds) {
        return Duration.ofSeconds(longValue(name, fallback.toSeconds(), minSeconds, Long.MAX_VALUE / 1000, "seconds"));
    }

    /** A comma-separated list; blanks between commas are left out. */
    public List<String> list(String name) {
        return optional(name).map(raw -> Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** One of an enum's constants, by name, case-insensitively. */
    public <E extends Enum<E>> E choice(String name, E fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        E[] constants = fallback.getDeclaringClass().getEnumConstants();
        for (E constant : constants) {
            if (constant.name().equalsIgnoreCase(raw.get())) {
                return constant;
            }
        }
        throw invalid(name, raw.get(), "must be one of " + Arrays.stream(constants)
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    }

    /** A file mode in octal, such as {@code 750}. */
    public int mode(String name, int fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int mode = Integer.parseInt(raw.get(), 8);
            if (mode >= 0 && mode <= 0777) {
                return mode;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, raw.get(), "must be an octal mode such as 750");
    }

    /** An absolute http(s) URI, or empty when unset. */
    public Optional<URI> uri(String name) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.get());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw invalid(name, raw.get(), "must be an absolute URI such as http://127.0.0.1:9000");
    }

    /** Where a variable's value comes from: {@code "the environment (PIPELINE_X)"} or {@code "the default"}. */
    public String originOf(String name) {
        return optional(name).isPresent() ? source + " (" + name + ")" : DEFAULT;
    }

    /** Every name asked for so far, set or not. */
    public Set<String> namesRead() {
        return Collections.unmodifiableSet(read);
    }

    /** The one message format: {@code NAME='value' (from the environment) must be …}. */
    public ConfigurationException invalid(String name, String value, String rule) {
        return new ConfigurationException(message(name, value, rule));
    }

    private String message(String name, String value, String rule) {
        return name + "='" + value + "' (from " + source + ") " + rule;
    }

    private static String wholeNumber(long min, long max, String unit) {
        String range = max >= Long.MAX_VALUE / 1000 ? "at least " + min : "from " + min + " to " + max;
        return "must be a whole number of " + unit + ", " + range;
    }
}
