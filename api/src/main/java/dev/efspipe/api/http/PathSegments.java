package dev.efspipe.api.http;

import dev.efspipe.layout.DatasetName;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path split at {@code /} and each segment percent-decoded exactly once, strictly: a bad
 * escape, bytes that are not UTF-8, or a control character are a 400. An encoded slash ({@code %2F})
 * stays inside its segment, so it can never add a level; what a segment may contain is then checked by
 * the route that uses it (a dataset name, a file the manifest lists).
 */
public final class PathSegments {
    private static final int MAX_PATH_CHARS = 4096;

    private PathSegments() {}

    public static List<String> of(String rawPath) throws ApiProblem {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw ApiProblem.badRequest("The path must start with '/'");
        }
        if (rawPath.length() > MAX_PATH_CHARS) {
            throw new ApiProblem(414, "URI too long", "The path is " + rawPath.length() + " characters, over the limit of "
                    + MAX_PATH_CHARS);
        }
        List<String> out = new ArrayList<>();
        String[] raw = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isEmpty() && i == raw.length - 1 && i > 0) {
                break; // one trailing slash is tolerated
            }
            out.add(decode(raw[i]));
        }
        return out;
    }

    private static String decode(String segment) throws ApiProblem {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length() || Character.digit(segment.charAt(i + 1), 16) < 0
                        || Character.digit(segment.charAt(i + 2), 16) < 0) {
                    throw ApiProblem.badRequest("The path segment '" + DatasetName.printable(segment)
                            + "' has a malformed percent escape at character " + i);
                }
                bytes.write(Character.digit(segment.charAt(i + 1), 16) * 16 + Character.digit(segment.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isSurrogate(c)) {
                    throw ApiProblem.badRequest("The path has a character that is not percent-encoded UTF-8");
                }
                bytes.write(b, 0, b.length);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw ApiProblem.badRequest("The path segment '" + DatasetName.printable(segment) + "' does not decode to UTF-8").causedBy(e);
        }
        if (decoded.chars().anyMatch(Character::isISOControl)) {
            throw ApiProblem.badRequest("The path segment '" + DatasetName.printable(decoded) + "' has a control character");
        }
        return decoded;
    }
}
