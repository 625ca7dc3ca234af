package dev.efspipe.processor.limits;

import java.util.Objects;

/**
 * One limit on what an upload may expand to: its name as messages show it, its value, and where the value
 * came from, so that a message can say all three ({@code "max entry bytes = 1 GiB, from the default"}).
 *
 * @param name   e.g. {@code "max entry bytes"}
 * @param value  the largest allowed value (inclusive)
 * @param bytes  whether the value is a number of bytes (shown as KiB/MiB/GiB when it is a whole multiple)
 * @param origin where the value came from: {@code "the default"}, {@code "PIPELINE_MAX_ENTRY_BYTES"}, …
 */
public record Limit(String name, long value, boolean bytes, String origin) {
    public Limit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        if (value < 1) {
            throw new IllegalArgumentException(name + " (" + value + ", from " + origin + ") must be at least 1");
        }
    }

    /** {@code "max entry bytes = 1 GiB, from the default"}. */
    public String describe() {
        return name + " = " + shown() + ", from " + origin;
    }

    /** The value as a person reads it: {@code 1 GiB}, {@code 1500000 bytes}, {@code 200}. */
    public String shown() {
        return bytes ? Limit.bytes(value) : Long.toString(value);
    }

    /** A byte count in the largest binary unit that divides it exactly ({@code 8 GiB}), else in bytes. */
    public static String bytes(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        String shown = n + " bytes";
        long unit = 1024;
        for (String u : units) {
            if (n >= unit && n % unit == 0) {
                shown = (n / unit) + " " + u;
            }
            unit *= 1024;
        }
        return shown;
    }
}
