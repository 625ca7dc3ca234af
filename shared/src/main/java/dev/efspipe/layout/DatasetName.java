package dev.efspipe.layout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.text.Printable;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A dataset name: safe to use as one directory name on any file system. Lowercase ASCII letters,
 * digits, {@code .}, {@code _} and {@code -}; starts with a letter or digit; 1 to 100 characters.
 *
 * <p>{@link #fromObjectKey(String)} is the documented mapping from an object key to a dataset, so a key
 * is never used as a path: take the last segment of the key, drop its extensions
 * ({@code .zip}, {@code .json}, {@code .tar.gz}, …), fold to NFKD lowercase ASCII, and replace every
 * run of other characters by one {@code -}. {@code uploads/2024/Sales Report.json} becomes
 * {@code sales-report}; a key with nothing usable left becomes {@code dataset}.
 *
 * <p>In JSON a dataset name is a plain string ({@code "dataset": "orders"}); the object form that builds before
 * job record schema 2 wrote ({@code {"value": "orders"}}) is still read.
 */
public record DatasetName(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern EXTENSION = Pattern.compile(
            "(\\.(zip|json|geojson|ndjson|jsonl|gz|tgz|bz2|xz|tar|txt|csv))+$", Pattern.CASE_INSENSITIVE);

    public DatasetName {
        if (value == null || !VALID.matcher(value).matches() || value.equals(".") || value.contains("..")) {
            throw new IllegalArgumentException("Invalid dataset name '" + printable(value)
                    + "': use 1-100 of a-z 0-9 . _ - starting with a letter or digit");
        }
    }

    public static DatasetName of(String value) {
        return new DatasetName(value);
    }

    /** Reads {@code "orders"}, and the older {@code {"value": "orders"}}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static DatasetName fromJson(JsonNode node) {
        return new DatasetName(JsonValues.text(node, "dataset name"));
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    /** Derives the dataset from an already-decoded object key or file name (see the class comment). */
    public static DatasetName fromObjectKey(String key) {
        String last = key;
        int slash = Math.max(key.lastIndexOf('/'), key.lastIndexOf('\\'));
        if (slash >= 0) {
            last = key.substring(slash + 1);
        }
        last = EXTENSION.matcher(last).replaceAll("");
        String folded = Normalizer.normalize(last, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("\\.{2,}", ".")
                .replaceAll("^[^a-z0-9]+", "")
                .replaceAll("[-.]+$", "");
        if (folded.length() > 100) {
            folded = folded.substring(0, 100).replaceAll("[-.]+$", "");
        }
        return new DatasetName(folded.isEmpty() ? "dataset" : folded);
    }

    /** An untrusted name for a message: {@link Printable#escape(String, int)}, capped at 200 code points. */
    public static String printable(String s) {
        return Printable.escape(s, 200);
    }

    @Override
    public String toString() {
        return value;
    }
}
