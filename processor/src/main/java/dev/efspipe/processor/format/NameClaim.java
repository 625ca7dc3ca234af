package dev.efspipe.processor.format;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.text.Printable;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What an upload's name says its content is, by its last suffix (and, after a compression suffix, the one
 * before it: {@code .tar.gz}, {@code .json.xz}). The content decides the format ({@link Format#detect}); a name
 * that claims a format the content does not have is a reason to refuse the upload, naming both, never to
 * publish it as something else.
 *
 * <p>Claims: {@code .json .geojson .ndjson .jsonl} (JSON), {@code .zip}, {@code .tar}, {@code .tgz} (a tar in
 * gzip), {@code .gz}, {@code .bz2}, {@code .xz}; any other name claims nothing. Content named as JSON that
 * is text but not a JSON container (empty, whitespace, a scalar, comments, UTF-16) goes to the JSON splitter
 * anyway, which says exactly what is wrong and where.
 *
 * @param suffix the suffix as it appears in the name, e.g. {@code .zip}
 * @param format what it claims
 * @param inner  for a compression suffix, what the name says the decompressed content is, or null
 */
public record NameClaim(String suffix, Format format, NameClaim inner) {

    /** The claim of {@code fileName}, if its suffix claims a format. */
    public static Optional<NameClaim> of(String fileName) {
        String lower = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String suffix = fileName.substring(dot);
        Format format = claimed(lower.substring(dot));
        if (format == null) {
            return Optional.empty();
        }
        if (lower.endsWith(".tgz")) {
            return Optional.of(new NameClaim(suffix, Format.GZIP, new NameClaim(".tar", Format.TAR, null)));
        }
        NameClaim inner = null;
        if (format == Format.GZIP || format == Format.BZIP2 || format == Format.XZ) {
            inner = of(fileName.substring(0, dot)).filter(c -> c.inner() == null).orElse(null);
        }
        return Optional.of(new NameClaim(suffix, format, inner));
    }

    private static Format claimed(String suffix) {
        return switch (suffix) {
            case ".json", ".geojson", ".ndjson", ".jsonl" -> Format.JSON;
            case ".zip" -> Format.ZIP;
            case ".tar" -> Format.TAR;
            case ".tgz", ".gz" -> Format.GZIP;
            case ".bz2" -> Format.BZIP2;
            case ".xz" -> Format.XZ;
            default -> null;
        };
    }

    /**
     * Checks what was detected against this claim and returns the format to process the content as: the
     * detected one, or JSON where the name says JSON and the content is text the splitter will refuse precisely.
     *
     * @param where names the upload in the message
     * @throws InvalidInputException naming the claim and what the content is
     */
    public Format check(Format detected, byte[] head, int length, String where) throws InvalidInputException {
        return check(format, suffix, detected, head, length, where, "");
    }

    /**
     * The same for what a compressed upload holds, against what the name says it holds ({@code .tar} of
     * {@code .tar.gz}, {@code .tgz}); anything goes where the name says nothing about it ({@code notes.txt.gz}).
     */
    public Format checkDecompressed(Format detected, byte[] head, int length, String where) throws InvalidInputException {
        if (inner == null) {
            return detected;
        }
        String shown = suffix.equalsIgnoreCase(".tgz") ? suffix : inner.suffix + suffix;
        return check(inner.format, shown, detected, head, length, where, "once decompressed ");
    }

    private static Format check(Format claimed, String shown, Format detected, byte[] head, int length, String where,
                                String context) throws InvalidInputException {
        if (detected == claimed) {
            return detected;
        }
        if (claimed == Format.JSON && detected == Format.OTHER && !looksBinary(head, length)) {
            return Format.JSON;
        }
        throw new InvalidInputException(where + ": named " + shown + " but " + context + describe(detected, head, length)
                + ". The content decides the format: rename the file to what it is, or upload the " + what(claimed)
                + " the name promises");
    }

    /** What content is, for a message: "it is a zip archive", "it starts like plain text: 'a,b'", "it is empty". */
    public static String describe(Format detected, byte[] head, int length) {
        return switch (detected) {
            case ZIP -> "it is a zip archive";
            case TAR -> "it is a tar archive";
            case GZIP -> "it is gzip-compressed data";
            case BZIP2 -> "it is bzip2-compressed data";
            case XZ -> "it is xz-compressed data";
            case JSON -> "it starts like JSON";
            case OTHER -> length == 0 ? "it is empty"
                    : looksBinary(head, length) ? "it starts like binary data (bytes " + hex(head, Math.min(length, 8)) + ")"
                    : "it starts like plain text: '" + Printable.escape(text(head, length), 40) + "'";
        };
    }

    private static String what(Format format) {
        return switch (format) {
            case ZIP -> "zip archive";
            case TAR -> "tar archive";
            case GZIP -> "gzip-compressed file";
            case BZIP2 -> "bzip2-compressed file";
            case XZ -> "xz-compressed file";
            case JSON -> "JSON document";
            case OTHER -> "file";
        };
    }

    /**
     * Text is UTF-8 (a sequence cut at the end of the peek is fine), or UTF-16/32 by its byte order mark or zero
     * bytes, without control characters other than whitespace; anything else is binary.
     */
    private static boolean looksBinary(byte[] head, int length) {
        TextEncoding encoding = TextEncoding.sniff(head, length);
        String text;
        if (encoding.isUtf8()) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer chars = CharBuffer.allocate(length);
            ByteBuffer bytes = ByteBuffer.wrap(head, encoding.bomLength(), length - encoding.bomLength());
            CoderResult result = decoder.decode(bytes, chars, false);
            if (result.isError() || bytes.remaining() > 3) {
                return true;
            }
            text = chars.flip().toString();
        } else {
            text = encoding.start(head, length, length);
        }
        return text.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f || c == 0xfffd);
    }

    private static String text(byte[] head, int length) {
        TextEncoding encoding = TextEncoding.sniff(head, length);
        return encoding.start(head, length, 48);
    }

    private static String hex(byte[] head, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(String.format("%02x", head[i] & 0xff));
        }
        return b.toString();
    }
}
