package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.limits.Limit;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackLimits;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Turns an archive entry's name into a safe relative path, or refuses it. Untrusted names are made
 * printable before they reach a message.
 *
 * <p>Refused: empty names, NUL and other control characters, backslashes (a Windows separator that
 * some tools honour), absolute paths and drive letters, any {@code .} or {@code ..} segment, a segment
 * longer than a file system allows (255 bytes), and names longer or deeper than the {@link UnpackLimits}
 * allow. The checks run on the name as the archive reader decoded it (zip: after its Unicode path extra
 * field; tar: after GNU long names and PAX headers) and again on its NFC form, which is what is returned:
 * no decoding step can turn an accepted name into a dangerous one. Two entries whose names collide are
 * refused by {@link EntryRegistry}.
 */
public final class EntryNames {
    /** NAME_MAX of Linux file systems, EFS included: a longer segment cannot be created at all. */
    static final int MAX_SEGMENT_BYTES = 255;

    private EntryNames() {}

    /** Checks a name with the default limits; messages call it an "archive entry". */
    public static String safeRelative(String name) throws InvalidInputException {
        return safeRelative(name, null, UnpackLimits.defaults());
    }

    /**
     * Checks {@code name}, an entry of {@code archive} (named in messages; may be null), and returns its
     * NFC form without a trailing slash.
     */
    public static String safeRelative(String name, String archive, UnpackLimits limits) throws InvalidInputException {
        String subject = (archive == null ? "Archive entry '" : "Entry '") + DatasetName.printable(name) + "'"
                + (archive == null ? "" : " of " + archive);
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException((archive == null ? "Archive entry" : "An entry of " + archive) + " has an empty name");
        }
        Limit maxLength = limits.maxNameLength();
        if (name.length() > maxLength.value()) {
            throw new LimitExceededException(maxLength, subject + " has a name of " + name.length()
                    + " characters (limit: " + maxLength.describe() + ")");
        }
        String normalised = Normalizer.normalize(name, Normalizer.Form.NFC);
        check(name, subject, limits);
        if (!normalised.equals(name)) {
            check(normalised, subject + " (in its Unicode normal form '" + DatasetName.printable(normalised) + "')", limits);
        }
        return normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }

    private static void check(String name, String subject, UnpackLimits limits) throws InvalidInputException {
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(subject + " has a control character in its name");
        }
        if (name.indexOf('\\') >= 0) {
            throw new InvalidInputException(subject + " has a backslash in its name");
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new InvalidInputException(subject + " has an absolute path");
        }
        String stripped = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        String[] segments = stripped.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidInputException(subject + " has an empty, '.' or '..' path segment");
            }
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SEGMENT_BYTES) {
                throw new InvalidInputException(subject + " has a path segment of " + bytes + " bytes; file systems (EFS too) allow "
                        + MAX_SEGMENT_BYTES);
            }
        }
        Limit maxDepth = limits.maxPathDepth();
        if (segments.length > maxDepth.value()) {
            throw new LimitExceededException(maxDepth, subject + " is " + segments.length + " segments deep (limit: "
                    + maxDepth.describe() + ")");
        }
    }

    /** The key under which two names collide on a case-insensitive or normalising file system. */
    public static String collisionKey(String safeName) {
        return Normalizer.normalize(safeName, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
