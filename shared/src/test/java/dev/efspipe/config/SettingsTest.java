package dev.efspipe.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one reader: typed values, blank as unset, and one message format naming the variable, the value and the source. */
class SettingsTest {

    @Test
    void shouldNameTheVariableTheValueAndTheSource_whenANumberIsBad() {
        Settings settings = Settings.environment(Map.of("PIPELINE_LEASE_SECONDS", "abc"));

        assertThatThrownBy(() -> settings.seconds("PIPELINE_LEASE_SECONDS", Duration.ofMinutes(2), 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("PIPELINE_LEASE_SECONDS='abc' (from the environment) must be a whole number of seconds, at least 1");
    }

    @Test
    void shouldGiveTheRange_whenANumberIsOutOfBounds() {
        Settings settings = new Settings(Map.of("N", "11"), "the test");

        assertThatThrownBy(() -> settings.intValue("N", 1, 1, 10, "entries"))
                .hasMessage("N='11' (from the test) must be a whole number of entries, from 1 to 10");
    }

    @Test
    void shouldSayWhatARequiredVariableIsFor_whenItIsMissing() {
        Settings settings = Settings.environment(Map.of("Q", " "));

        assertThatThrownBy(() -> settings.required("Q", "jobs go there"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Q is not set (in the environment); it is required: jobs go there");
    }

    @Test
    void shouldTreatBlankAsUnsetAndTrimValues() {
        Settings settings = Settings.environment(Map.of("A", "  ", "B", " 7 "));

        assertThat(settings.longValue("A", 5, 0, 10, "bytes")).isEqualTo(5);
        assertThat(settings.longValue("B", 5, 0, 10, "bytes")).isEqualTo(7);
    }

    @Test
    void shouldSplitListsOnCommasLeavingOutBlanks() {
        Settings settings = Settings.environment(Map.of("L", " a/, ,b/ ,"));

        assertThat(settings.list("L")).isEqualTo(List.of("a/", "b/"));
        assertThat(settings.list("UNSET")).isEmpty();
    }

    @Test
    void shouldReadEnumsCaseInsensitivelyAndListTheChoices_whenUnknown() {
        Settings settings = Settings.environment(Map.of("U", "Seconds", "V", "weeks"));

        assertThat(settings.choice("U", TimeUnit.DAYS)).isEqualTo(TimeUnit.SECONDS);
        assertThatThrownBy(() -> settings.choice("V", TimeUnit.DAYS))
                .hasMessageStartingWith("V='weeks' (from the environment) must be one of [nanoseconds, ");
    }

    @Test
    void shouldRefuseARelativeUri() {
        Settings settings = Settings.environment(Map.of("E", "localhost:9000"));

        assertThatThrownBy(() -> settings.uri("E")).hasMessageContaining("E='localhost:9000'");
        assertThat(Settings.environment(Map.of("E", "http://127.0.0.1:9000")).uri("E")).contains(URI.create("http://127.0.0.1:9000"));
    }

    @Test
    void shouldSayWhereAValueCameFrom() {
        Settings settings = Settings.environment(Map.of("SET", "1"));

        assertThat(settings.originOf("SET")).isEqualTo("the environment (SET)");
        assertThat(settings.originOf("UNSET")).isEqualTo("the default");
    }

    @Test
    void shouldRememberEveryNameAskedFor_setOrNot() {
        Settings settings = Settings.environment(Map.of("SET", "1"));
        settings.optional("SET");
        settings.string("UNSET", "x");

        assertThat(settings.namesRead()).containsExactly("SET", "UNSET");
    }
}
