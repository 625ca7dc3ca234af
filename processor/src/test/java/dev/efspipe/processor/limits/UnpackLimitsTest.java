package dev.efspipe.processor.limits;

import dev.efspipe.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnpackLimitsTest {

    @Test
    void hasSafeDefaultsThatSayWhereTheyComeFrom() {
        UnpackLimits limits = UnpackLimits.defaults();

        assertThat(limits.maxEntryBytes().describe()).isEqualTo("max entry bytes = 16 GiB, from the default");
        assertThat(limits.maxTotalBytes().describe()).isEqualTo("max total bytes = 32 GiB, from the default");
        assertThat(limits.maxEntryRatio().describe()).isEqualTo("max entry ratio = 200, from the default");
        assertThat(limits.maxTotalRatio().describe()).isEqualTo("max total ratio = 200, from the default");
        assertThat(limits.maxEntries().describe()).isEqualTo("max entries = 100000, from the default");
        assertThat(limits.maxNameLength().describe()).isEqualTo("max name length = 1024, from the default");
        assertThat(limits.maxPathDepth().describe()).isEqualTo("max path depth = 64, from the default");
    }

    @Test
    void readsEveryVariableFromTheEnvironmentAndNamesItAsTheOrigin() {
        UnpackLimits limits = UnpackLimits.from(Settings.environment(Map.of(
                UnpackLimits.MAX_ENTRY_BYTES, "1048576",
                UnpackLimits.MAX_TOTAL_BYTES, "3000000",
                UnpackLimits.MAX_ENTRY_RATIO, "50",
                UnpackLimits.MAX_TOTAL_RATIO, "40",
                UnpackLimits.MAX_ENTRIES, "10",
                UnpackLimits.MAX_NAME_LENGTH, "200",
                UnpackLimits.MAX_PATH_DEPTH, " 8 ")));

        assertThat(limits.maxEntryBytes().describe()).isEqualTo("max entry bytes = 1 MiB, from the environment (PIPELINE_MAX_ENTRY_BYTES)");
        assertThat(limits.maxTotalBytes().describe()).isEqualTo("max total bytes = 3000000 bytes, from the environment (PIPELINE_MAX_TOTAL_BYTES)");
        assertThat(limits.maxEntryRatio().value()).isEqualTo(50);
        assertThat(limits.maxTotalRatio().origin()).isEqualTo("the environment (PIPELINE_MAX_TOTAL_RATIO)");
        assertThat(limits.maxEntries().value()).isEqualTo(10);
        assertThat(limits.maxNameLength().value()).isEqualTo(200);
        assertThat(limits.maxPathDepth().describe()).isEqualTo("max path depth = 8, from the environment (PIPELINE_MAX_PATH_DEPTH)");
    }

    @Test
    void keepsTheDefaultForAVariableThatIsBlank() {
        UnpackLimits limits = UnpackLimits.from(Settings.environment(Map.of(UnpackLimits.MAX_ENTRIES, " ")));

        assertThat(limits.maxEntries()).isEqualTo(UnpackLimits.defaults().maxEntries());
    }

    @Test
    void refusesAVariableThatIsNotAWholeNumber() {
        assertThatThrownBy(() -> UnpackLimits.from(Settings.environment(Map.of(UnpackLimits.MAX_ENTRY_BYTES, "8GiB"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PIPELINE_MAX_ENTRY_BYTES")
                .hasMessageContaining("must be a whole number of bytes")
                .hasMessageContaining("'8GiB'");
    }

    @Test
    void refusesAVariableBelowOne() {
        assertThatThrownBy(() -> UnpackLimits.from(Settings.environment(Map.of(UnpackLimits.MAX_ENTRY_RATIO, "0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PIPELINE_MAX_ENTRY_RATIO")
                .hasMessageContaining("at least 1");
    }

    @Test
    void saysThatAValueSetInCodeComesFromTheCaller() {
        UnpackLimits limits = UnpackLimits.builder().maxEntryBytes(1_500_000).build();

        assertThat(limits.maxEntryBytes().describe()).isEqualTo("max entry bytes = 1500000 bytes, from the caller");
        assertThat(limits.maxTotalBytes().origin()).isEqualTo("the default");
    }

    @Test
    void showsByteCountsInTheLargestUnitThatDividesThem() {
        assertThat(Limit.bytes(1L << 30)).isEqualTo("1 GiB");
        assertThat(Limit.bytes(3L << 20)).isEqualTo("3 MiB");
        assertThat(Limit.bytes(1536)).isEqualTo("1536 bytes");
        assertThat(Limit.bytes(1000)).isEqualTo("1000 bytes");
    }
}
