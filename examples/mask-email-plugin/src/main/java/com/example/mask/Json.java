package com.example.mask;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough JSON for the example, for records that are valid JSON (the processor guarantees it): find a
 * top-level member's string value, and write a string.
 */
final class Json {
    private Json() {}

    /** A string value: where its quoted form starts and ends in the record, and its decoded text. */
    record Member(int start, int end, String value) {}

    /** The top-level member {@code name} of an object record, if its value is a string; else null. */
    static Member findTopLevelString(byte[] b, String name) {
        int i = skipSpace(b, 0);
        if (i >= b.length || b[i] != '{') {
            return null;
        }
        i = skipSpace(b, i + 1);
        while (i < b.length && b[i] == '"') {
            int keyEnd = endOfString(b, i);
            String key = decode(b, i, keyEnd);
            i = skipSpace(b, keyEnd);
            i = skipSpace(b, i + 1); // the colon
            int valueEnd = endOfValue(b, i);
            if (key.equals(name) && b[i] == '"') {
                return new Member(i, valueEnd, decode(b, i, valueEnd));
            }
            i = skipSpace(b, valueEnd);
            if (i < b.length && b[i] == ',') {
                i = skipSpace(b, i + 1);
            }
        }
        return null;
    }

    /** The UTF-8 bytes of {@code s} as a JSON string, quotes included. */
    static byte[] quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** The index just after the string that starts (with its quote) at {@code i}. */
    private static int endOfString(byte[] b, int i) {
        for (int k = i + 1; k < b.length; k++) {
            if (b[k] == '\\') {
                k++;
            } else if (b[k] == '"') {
                return k + 1;
            }
        }
        throw new IllegalArgumentException("unterminated string at byte " + i);
    }

    /** The index just after the value that starts at {@code i}. */
    private static int endOfValue(byte[] b, int i) {
        if (b[i] == '"') {
            return endOfString(b, i);
        }
        if (b[i] == '{' || b[i] == '[') {
            int depth = 0;
            for (int k = i; k < b.length; k++) {
                if (b[k] == '"') {
                    k = endOfString(b, k) - 1;
                } else if (b[k] == '{' || b[k] == '[') {
                    depth++;
                } else if ((b[k] == '}' || b[k] == ']') && --depth == 0) {
                    return k + 1;
                }
            }
            throw new IllegalArgumentException("unterminated value at byte " + i);
        }
        int k = i;
        while (k < b.length && b[k] != ',' && b[k] != '}' && b[k] != ']' && b[k] != ' ' && b[k] != '\t' && b[k] != '\n' && b[k] != '\r') {
            k++;
        }
        return k;
    }

    /** Decodes the string whose quoted form is {@code b[from, to)}. */
    private static String decode(byte[] b, int from, int to) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(to - from);
        StringBuilder out = new StringBuilder();
        for (int k = from + 1; k < to - 1; k++) {
            if (b[k] != '\\') {
                raw.write(b[k]);
                continue;
            }
            out.append(raw.toString(StandardCharsets.UTF_8));
            raw.reset();
            char e = (char) b[++k];
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(new String(b, k + 1, 4, StandardCharsets.US_ASCII), 16));
                    k += 4;
                }
                default -> out.append(e); // " \ /
            }
        }
        return out.append(raw.toString(StandardCharsets.UTF_8)).toString();
    }
}
