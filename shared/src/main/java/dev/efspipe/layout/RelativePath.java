package dev.efspipe.layout;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;

/**
 * Validates a relative path that came from outside (an archive entry name, a path in an
 * {@code efs-upload} message) before it is resolved against a directory of ours.
 *
 * <p>Refused: empty names, names over {@value #MAX_BYTES} UTF-8 bytes, control characters (C0 and C1),
 * backslashes (a Windows separator some tools honour), absolute paths and drive letters, any empty,
 * {@code .} or {@code ..} segment, and segments over 255 bytes; checked on the name as given and on its
 * NFC form. What passes is NFC-normalised, without a trailing slash.
 */
public final class RelativePath {
    public static final int MAX_BYTES = 1024;

    private RelativePath() {}

    /** NAME_MAX of Linux file systems, EFS included: a longer segment cannot be created at all. */
    public static final int MAX_SEGMENT_BYTES = 255;

    /**
     * @param what names the value in the message, e.g. {@code "efs-upload path"}
     * @throws IllegalArgumentException naming {@code what}, the (printable) value and the problem
     */
    public static String check(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        String shown = DatasetName.printable(name);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes long, over the limit of " + MAX_BYTES
                    + ": '" + shown + "'");
        }
        String normalised = Normalizer.normalize(name, Normalizer.Form.NFC);
        for (String form : normalised.equals(name) ? new String[] {name} : new String[] {name, normalised}) {
            problem(form).ifPresent(problem -> {
                throw new IllegalArgumentException(what + " '" + shown + "' " + problem);
            });
        }
        return normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }

    /**
     * What is wrong with a non-empty relative path, as a phrase that follows its name ("has a backslash in
     * its name"), or empty if nothing is. The one definition of a safe relative path: archive entry names
     * ({@code EntryNames}) and inbox paths use it.
     */
    public static Optional<String> problem(String name) {
        // Plain loops, no regular expression or stream: this runs for every entry of an archive of thousands.
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return Optional.of("has a control character in its name");
            }
        }
        if (name.indexOf('\\') >= 0) {
            return Optional.of("has a backslash in its name");
        }
        if (name.startsWith("/") || name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0))) {
            return Optional.of("has an absolute path");
        }
        String stripped = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : stripped.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return Optional.of("has an empty, '.' or '..' path segment");
            }
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SEGMENT_BYTES) {
                return Optional.of("has a path segment of " + bytes + " bytes; file systems (EFS too) allow "
                        + MAX_SEGMENT_BYTES);
            }
        }
        return Optional.empty();
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }
}
