package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Turns an archive entry's name into a safe relative path, or refuses it. Untrusted names are made
 * printable before they reach a message.
 *
 * <p>Refused: empty names, NUL and other control characters, backslashes (a Windows separator that
 * some tools honour), absolute paths and drive letters, and any {@code .} or {@code ..} segment. What
 * passes is NFC-normalised; the staging output refuses a second entry with the same name.
 */
public final class EntryNames {
    private static final int MAX_LENGTH = 1024;

    private EntryNames() {}

    public static String safeRelative(String name) throws InvalidInputException {
        String shown = DatasetName.printable(name);
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("Archive entry with an empty name");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidInputException("Archive entry name is " + name.length() + " characters, over the limit of "
                    + MAX_LENGTH + ": '" + shown + "'");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("Archive entry '" + shown + "' has a control character in its name");
        }
        if (name.indexOf('\\') >= 0) {
            throw new InvalidInputException("Archive entry '" + shown + "' has a backslash in its name");
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new InvalidInputException("Archive entry '" + shown + "' has an absolute path");
        }
        String stripped = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : stripped.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidInputException("Archive entry '" + shown + "' has an empty, '.' or '..' path segment");
            }
        }
        return Normalizer.normalize(stripped, Normalizer.Form.NFC);
    }

    /** The key under which two names collide on a case-insensitive or normalising file system. */
    public static String collisionKey(String safeName) {
        return Normalizer.normalize(safeName, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
