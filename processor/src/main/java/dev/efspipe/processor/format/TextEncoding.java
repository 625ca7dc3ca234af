package dev.efspipe.processor.format;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The Unicode encoding of a text by its first bytes, as RFC 8259 (section 8.1) and RFC 4627 (section 3) tell
 * them apart: a byte order mark, or else the pattern of zero bytes around the first character, which in JSON is
 * ASCII (whitespace, a bracket, a quote or a digit).
 *
 * @param charset      the encoding
 * @param name         its name for people and for {@code iconv -f}
 * @param bomLength    bytes of the byte order mark at the start (0 if none)
 */
public record TextEncoding(Charset charset, String name, int bomLength) {
    public static final TextEncoding UTF_8 = new TextEncoding(StandardCharsets.UTF_8, "UTF-8", 0);

    /** True for UTF-8 (with or without a byte order mark). */
    public boolean isUtf8() {
        return charset.equals(StandardCharsets.UTF_8);
    }

    /** "UTF-16LE with a byte order mark" */
    public String describe() {
        return name + (bomLength > 0 ? " with a byte order mark" : "");
    }

    /** Decides from up to the first four bytes. */
    public static TextEncoding sniff(byte[] head, int length) {
        int b0 = length > 0 ? head[0] & 0xff : -1;
        int b1 = length > 1 ? head[1] & 0xff : -1;
        int b2 = length > 2 ? head[2] & 0xff : -1;
        int b3 = length > 3 ? head[3] & 0xff : -1;
        if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) {
            return new TextEncoding(StandardCharsets.UTF_8, "UTF-8", 3);
        }
        if (b0 == 0 && b1 == 0 && b2 == 0xfe && b3 == 0xff) {
            return new TextEncoding(Charset.forName("UTF-32BE"), "UTF-32BE", 4);
        }
        if (b0 == 0xff && b1 == 0xfe && b2 == 0 && b3 == 0) {
            return new TextEncoding(Charset.forName("UTF-32LE"), "UTF-32LE", 4);
        }
        if (b0 == 0xfe && b1 == 0xff) {
            return new TextEncoding(StandardCharsets.UTF_16BE, "UTF-16BE", 2);
        }
        if (b0 == 0xff && b1 == 0xfe) {
            return new TextEncoding(StandardCharsets.UTF_16LE, "UTF-16LE", 2);
        }
        if (length >= 4 && b0 == 0 && b1 == 0 && b2 == 0 && b3 != 0) {
            return new TextEncoding(Charset.forName("UTF-32BE"), "UTF-32BE", 0);
        }
        if (length >= 4 && b0 != 0 && b1 == 0 && b2 == 0 && b3 == 0) {
            return new TextEncoding(Charset.forName("UTF-32LE"), "UTF-32LE", 0);
        }
        if (length >= 2 && b0 == 0 && b1 != 0) {
            return new TextEncoding(StandardCharsets.UTF_16BE, "UTF-16BE", 0);
        }
        if (length >= 2 && b0 != 0 && b1 == 0) {
            return new TextEncoding(StandardCharsets.UTF_16LE, "UTF-16LE", 0);
        }
        return UTF_8;
    }

    /** The first up to {@code max} characters after the byte order mark, decoded leniently (for sniffing only). */
    public String start(byte[] head, int length, int max) {
        int unit = name.startsWith("UTF-32") ? 4 : name.startsWith("UTF-16") ? 2 : 1;
        int usable = bomLength + (length - bomLength) / unit * unit;
        String text = new String(head, bomLength, Math.max(0, usable - bomLength), charset);
        return text.length() > max ? text.substring(0, max) : text;
    }
}
