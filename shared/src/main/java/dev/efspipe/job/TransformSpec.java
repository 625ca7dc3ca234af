package dev.efspipe.job;

import dev.efspipe.layout.DatasetName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One record transform a job applies, by name, with its options: a published plugin
 * ({@code plugins/<name>/}) or a built-in transform ({@code lookup}).
 *
 * <p>Written as text in {@code PIPELINE_TRANSFORMS}, in {@code ./pipeline process --transform} and (as a
 * string) in the {@code efs-upload} message: {@code name} or {@code name(option=value,option=value)}, e.g.
 * {@code lookup(field=customerId,dataset=customers,key=id,into=customer)}; a chain joins transforms with
 * {@code |} and applies them left to right. Option names are 1-100 of {@code A-Z a-z 0-9 . _ -}; values may
 * hold anything but {@code , ( ) |} and line breaks (in an {@code efs-upload} message, an object
 * {@code {"name": …, "options": {…}}} takes any value).
 *
 * @param name    1-100 of {@code a-z 0-9 . _ -}, starting with a letter or digit
 * @param options the transform's options, in the order given
 */
public record TransformSpec(String name, Map<String, String> options) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern OPTION = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public TransformSpec {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("Invalid transform name '" + DatasetName.printable(name)
                    + "': use 1-100 of a-z 0-9 . _ - starting with a letter or digit");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        if (options != null) {
            options.forEach((k, v) -> {
                if (k == null || !OPTION.matcher(k).matches()) {
                    throw new IllegalArgumentException("Invalid option name '" + DatasetName.printable(k) + "' for transform '"
                            + name + "': use 1-100 of A-Z a-z 0-9 . _ -");
                }
                copy.put(k, Objects.requireNonNull(v, () -> "option " + k + " of transform '" + name + "' has no value"));
            });
        }
        options = Collections.unmodifiableMap(copy);
    }

    public static TransformSpec of(String name) {
        return new TransformSpec(name, Map.of());
    }

    /** Parses {@code name} or {@code name(option=value,…)}. */
    public static TransformSpec parse(String text) {
        String s = text == null ? "" : text.trim();
        int open = s.indexOf('(');
        if (open < 0) {
            if (s.indexOf(')') >= 0) {
                throw new IllegalArgumentException("Transform '" + DatasetName.printable(s) + "' has a ')' without '('");
            }
            return of(s);
        }
        if (!s.endsWith(")") || s.indexOf('(', open + 1) >= 0 || s.indexOf(')') != s.length() - 1) {
            throw new IllegalArgumentException("Transform '" + DatasetName.printable(s)
                    + "' must be name or name(option=value,option=value)");
        }
        String name = s.substring(0, open).trim();
        Map<String, String> options = new LinkedHashMap<>();
        String inside = s.substring(open + 1, s.length() - 1);
        if (!inside.isBlank()) {
            for (String pair : inside.split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("Transform '" + DatasetName.printable(s) + "': option '"
                            + DatasetName.printable(pair.trim()) + "' must be option=value");
                }
                String key = pair.substring(0, eq).trim();
                if (options.put(key, pair.substring(eq + 1).trim()) != null) {
                    throw new IllegalArgumentException("Transform '" + DatasetName.printable(s) + "' gives option " + key + " twice");
                }
            }
        }
        return new TransformSpec(name, options);
    }

    /** Parses a chain, {@code a|b(x=1)|c}; a blank text is the empty chain. */
    public static List<TransformSpec> parseChain(String text) {
        List<TransformSpec> chain = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return chain;
        }
        for (String part : splitOutsideParentheses(text, '|')) {
            chain.add(parse(part));
        }
        return chain;
    }

    /** Splits at {@code separator} where it is not inside parentheses. */
    public static List<String> splitOutsideParentheses(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == separator && depth == 0) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        return parts;
    }

    /** The text form, {@code name(option=value,…)}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        if (options.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('(');
        options.forEach((k, v) -> b.append(k).append('=').append(v).append(','));
        b.setLength(b.length() - 1);
        return b.append(')').toString();
    }
}
