package dev.efspipe.spi;

/**
 * Records of a {@link ReferenceData} version by key, outside the Java heap. Thread-safe.
 *
 * <p>Keys compare as text: a string by its decoded value, a number as it is written ({@code 7} matches
 * {@code "7"}, but not {@code 7.0}), {@code true} and {@code false} as those words.
 */
public interface KeyIndex {

    /** How many distinct keys the index holds. */
    long size();

    /**
     * The record with this key, as the UTF-8 bytes of one JSON object (a new array on each call), or
     * {@code null} when no record has it.
     */
    byte[] get(String key);
}
