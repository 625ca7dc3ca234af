package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.RelativePath;
import dev.efspipe.processor.limits.Limit;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackLimits;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns an archive entry's name into a safe relative path, or refuses it. Untrusted names are made
 * printable before they reach a message.
 *
 * <p>A leading {@code ./} (or several) is dropped first: {@code tar -C dir -cf x.tar .} (GNU tar, bsdtar) and
 * Python's {@code tarfile} with {@code arcname="."} name every entry so, and the root itself {@code ./} or
 * {@code .} ({@link #isRoot}), which a directory entry may name and is then nothing to create.
 *
 * <p>Refused: empty names, NUL and other control characters, backslashes (a Windows separator that
 * some tools honour), absolute paths and drive letters, any other {@code .} or {@code ..} segment, a segment
 * longer than a file system allows (255 bytes), and names longer or deeper than the {@link UnpackLimits}
 * allow. The checks run on the name as the archive reader decoded it (zip: after its Unicode path extra
 * field; tar: after GNU long names and PAX headers) and again on its NFC form, which is what is returned:
 * no decoding step can turn an accepted name into a dangerous one. Two entries whose names collide are
 * refused by {@link EntryRegistry}.
 */
public final class EntryNames {

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
        if (isRoot(name)) {
            throw new InvalidInputException(subject + " names the archive's root directory, which only a directory entry may");
        }
        name = withoutLeadingDotSlash(name);
        String normalised = Normalizer.normalize(name, Normalizer.Form.NFC);
        check(name, subject, limits);
        if (!normalised.equals(name)) {
            check(normalised, subject + " (in its Unicode normal form '" + DatasetName.printable(normalised) + "')", limits);
        }
        return normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }

    /**
     * True for {@code .}, {@code ./} and repetitions such as {@code ././}: the directory the archive was made
     * from. A directory entry with such a name is skipped (its contents are named relative to it).
     */
    public static boolean isRoot(String name) {
        return name != null && ROOT.matcher(name).matches();
    }

    private static final Pattern ROOT = Pattern.compile("\\.(/\\.)*/?");

    /** "./a/b" -> "a/b"; "././a" -> "a"; anything else unchanged (".//a" becomes "/a", which is then refused). */
    private static String withoutLeadingDotSlash(String name) {
        int from = 0;
        while (name.startsWith("./", from)) {
            from += 2;
        }
        return name.substring(from);
    }

    private static void check(String name, String subject, UnpackLimits limits) throws InvalidInputException {
        var problem = RelativePath.problem(name);
        if (problem.isPresent()) {
            throw new InvalidInputException(subject + " " + problem.get());
        }
        int depth = (name.endsWith("/") ? name.substring(0, name.length() - 1) : name).split("/", -1).length;
        Limit maxDepth = limits.maxPathDepth();
        if (depth > maxDepth.value()) {
            throw new LimitExceededException(maxDepth, subject + " is " + depth + " segments deep (limit: "
                    + maxDepth.describe() + ")");
        }
    }

    /** The key under which two names collide on a case-insensitive or normalising file system. */
    public static String collisionKey(String safeName) {
        return Normalizer.normalize(safeName, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
