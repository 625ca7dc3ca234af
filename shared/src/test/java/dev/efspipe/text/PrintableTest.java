package dev.efspipe.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PrintableTest {

    @Test
    void escapesNewlinesSoThatAKeyCannotForgeALogLine() {
        String key = "ok\n12:00:00 INFO  Job published\r\n";

        assertThat(Printable.escape(key)).isEqualTo("ok\\u000a12:00:00 INFO  Job published\\u000d\\u000a")
                .doesNotContain("\n", "\r");
    }

    @Test
    void escapesAnsiTerminalSequences() {
        String coloured = "\u001b[31mred\u001b[0m and \u009b2J";

        assertThat(Printable.escape(coloured)).isEqualTo("\\u001b[31mred\\u001b[0m and \\u009b2J");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\t", "\u0007", "\u007f", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066", "\u200f", "\ud800"})
    void escapesControlSeparatorAndBidiCharactersAndLoneSurrogates(String c) {
        String escaped = Printable.escape("a" + c + "b");

        assertThat(escaped).isEqualTo(String.format("a\\u%04xb", (int) c.charAt(0)));
    }

    @Test
    void keepsOrdinaryTextBackslashesAndCharactersOutsideTheBasicPlane() {
        String text = "café\\x ü \uD83C\uDF89 日本";

        assertThat(Printable.escape(text)).isSameAs(text);
    }

    @Test
    void escapingTwiceChangesNothing() {
        String once = Printable.escape("a\nb\u001bc");

        assertThat(Printable.escape(once)).isEqualTo(once);
    }

    @Test
    void cutsLongTextAtTheGivenNumberOfCodePoints() {
        assertThat(Printable.escape("x".repeat(10), 4)).isEqualTo("xxxx…");
        assertThat(Printable.escape("xxxx", 4)).isEqualTo("xxxx");
        assertThat(Printable.escape("\n\n\n\n\n", 2)).isEqualTo("\\u000a\\u000a…");
    }

    @Test
    void showsNullAsTheWordNull() {
        assertThat(Printable.escape(null)).isEqualTo("null");
    }
}
