package dev.efspipe.layout;

import java.util.regex.Pattern;

/**
 * A plugin's name: the transform name jobs choose it by and its directory under {@code plugins/}. 1 to 100
 * of lowercase ASCII letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or digit (so
 * never one of the dot-directories a publish works in).
 */
public record PluginName(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    public PluginName {
        if (value == null || !VALID.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException("Invalid plugin name '" + DatasetName.printable(value)
                    + "': use 1-100 of a-z 0-9 . _ - starting with a letter or digit");
        }
    }

    public static PluginName of(String value) {
        return new PluginName(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches() && !value.contains("..");
    }

    @Override
    public String toString() {
        return value;
    }
}
