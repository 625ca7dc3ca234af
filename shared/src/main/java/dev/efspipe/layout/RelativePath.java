package dev.efspipe.layout;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Validates a relative path that came from outside (an archive entry name, a path in an
 * {@code efs-upload} message) before it is resolved against a directory of ours.
 *
 * <p>Refused: empty names, names over {@value #MAX_BYTES} UTF-8 bytes, control characters (C0 and C1),
 * backslashes (a Windows separator some tools honour), absolute paths and drive letters, and any empty,
 * {@code .} or {@code ..} segment. What passes is NFC-normalised, without a trailing slash.
 */
public final class RelativePath {
    public static final int MAX_BYTES = 1024;

    private RelativePath() {}

    /**
     * @param what names the value in the message, e.g. {@code "Archive entry"} or {@code "efs-upload path"}
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
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " '" + shown + "' has a control character");
        }
        if (name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException(what + " '" + shown + "' has a backslash");
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new IllegalArgumentException(what + " '" + shown + "' is an absolute path");
        }
        String stripped = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : stripped.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " '" + shown + "' has an empty, '.' or '..' path segment");
            }
        }
        return Normalizer.normalize(stripped, Normalizer.Form.NFC);
    }
}
