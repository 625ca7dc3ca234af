package dev.efspipe.text;

/**
 * The one escaping function for text that came from input (object keys, archive entry names, JSON field names
 * and values, JSON Pointers) before it reaches a log line, an error message or a failure record: what could
 * break a line, rewrite a terminal or reorder what a reader sees is shown as a {@code \}{@code uXXXX} escape.
 *
 * <p>Escaped: C0 and C1 control characters and DEL (newlines, carriage returns, tabs, ESC, which starts ANSI
 * terminal sequences), the Unicode line and paragraph separators, the bidirectional formatting characters
 * (the "Trojan Source" reordering) and unpaired surrogates. Everything else is kept as it is, backslashes
 * included, so escaping twice changes nothing.
 */
public final class Printable {
    private Printable() {}

    /** {@code text} with every character a log line must not carry escaped; "null" for null. */
    public static String escape(String text) {
        return escape(text, Integer.MAX_VALUE);
    }

    /** As {@link #escape(String)}, cut after {@code maxCodePoints} code points with an ellipsis (for names in messages). */
    public static String escape(String text, int maxCodePoints) {
        if (text == null) {
            return "null";
        }
        if (clean(text) && text.length() <= maxCodePoints) {
            return text; // the common case allocates nothing
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), maxCodePoints) + 16);
        int shown = 0;
        for (int i = 0; i < text.length(); ) {
            if (shown == maxCodePoints) {
                return b.append('…').toString();
            }
            int cp = text.codePointAt(i);
            if (unsafe(cp)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
            shown++;
        }
        return b.toString();
    }

    private static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && unsafeOrSurrogate(text, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean unsafeOrSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            return false; // a pair: a character outside the basic plane, nothing to escape
        }
        if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1))) {
            return false;
        }
        return unsafe(c);
    }

    private static boolean unsafe(int cp) {
        return Character.isISOControl(cp)
                || cp == 0x2028 || cp == 0x2029                          // line and paragraph separators
                || cp == 0x061c || cp == 0x200e || cp == 0x200f          // bidirectional marks
                || cp >= 0x202a && cp <= 0x202e || cp >= 0x2066 && cp <= 0x2069 // bidirectional embeddings, isolates
                || cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE; // unpaired (codePointAt returns it alone)
    }
}
