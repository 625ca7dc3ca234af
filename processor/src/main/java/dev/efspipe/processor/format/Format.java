package dev.efspipe.processor.format;

import java.io.BufferedInputStream;
import java.io.IOException;

/**
 * Input formats, told apart by their first bytes (magic numbers), never by the name ({@link NameClaim} checks
 * what a name says against what this finds). JSON is a document that starts with {@code [} or {@code {} after
 * whitespace, in UTF-8 or, to be refused with a clear message rather than kept as a file, in UTF-16 or UTF-32.
 */
public enum Format {
    ZIP, GZIP, BZIP2, XZ, TAR, JSON, OTHER;

    /** Bytes needed to decide: tar's magic sits at offset 257. */
    public static final int PEEK = 512;

    /** Detects from up to {@link #PEEK} leading bytes. */
    public static Format detect(byte[] head, int length) {
        if (length >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8))) {
            return ZIP;
        }
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (length >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            return BZIP2;
        }
        if (length >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) {
            return XZ;
        }
        if (length >= 262 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r' || isV7TarHeader(head, length)) {
            return TAR;
        }
        TextEncoding encoding = TextEncoding.sniff(head, length);
        if (!encoding.isUtf8()) {
            // JSON in UTF-16 or UTF-32 is still JSON (the splitter says it reads only UTF-8): never kept as a file.
            return startsLikeJson(encoding.start(head, length, 64)) ? JSON : OTHER;
        }
        int i = encoding.bomLength();
        while (i < length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        if (i < length && (head[i] == '[' || head[i] == '{')) {
            return JSON;
        }
        return OTHER;
    }

    /** Whitespace, then {@code [} or {@code {}, and no control character or undecodable byte in what follows. */
    private static boolean startsLikeJson(String text) {
        int i = 0;
        while (i < text.length() && " \t\r\n".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        if (i == text.length() || text.charAt(i) != '[' && text.charAt(i) != '{') {
            return false;
        }
        return text.chars().allMatch(c -> c >= 0x20 && c != 0xfffd || c == '\t' || c == '\r' || c == '\n');
    }

    /**
     * A pre-POSIX (v7) tar header has no magic: it is recognised by its checksum, the octal sum of the header's
     * bytes with the checksum field counted as spaces, which random data or text matches by chance once in
     * about 2^17 tries, on top of the name and octal-field checks.
     */
    private static boolean isV7TarHeader(byte[] head, int length) {
        if (length < 512 || head[0] == 0) {
            return false;
        }
        long stored = 0;
        int i = 148;
        while (i < 156 && head[i] == ' ') {
            i++;
        }
        int digits = 0;
        for (; i < 156 && head[i] >= '0' && head[i] <= '7'; i++, digits++) {
            stored = stored * 8 + (head[i] - '0');
        }
        if (digits == 0 || i < 156 && head[i] != 0 && head[i] != ' ') {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int k = 0; k < 512; k++) {
            int b = k >= 148 && k < 156 ? ' ' : head[k];
            unsigned += b & 0xff;
            signed += b;
        }
        return stored == unsigned || stored == signed;
    }

    /** Peeks at a stream that supports mark/reset, leaving it where it was. */
    public static Format detect(BufferedInputStream in) throws IOException {
        in.mark(PEEK);
        byte[] head = in.readNBytes(PEEK);
        in.reset();
        return detect(head, head.length);
    }
}
