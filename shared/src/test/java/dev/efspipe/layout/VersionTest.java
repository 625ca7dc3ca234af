package dev.efspipe.layout;

import dev.efspipe.layout.JobId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class VersionTest {
    private static final JobId JOB = new JobId("3f2a9c0d11be44556677889900aabbcc");
    private static final JobId OTHER_JOB = new JobId("0123456789abcdef0123456789abcdef");

    @Test
    void shouldFormatAsUtcTimeAndTheFirstTwelveHexOfTheJobId() {
        Version v = Version.of(Instant.parse("2026-11-26T06:15:00.123Z"), JOB);

        assertThat(v.value()).isEqualTo("20261126T061500.123Z-3f2a9c0d11be");
    }

    @Test
    void shouldKeepMillisecondsAndDropFinerFractions() {
        Version v = Version.of(Instant.parse("2026-11-26T06:15:00.999999999Z"), JOB);

        assertThat(v.value()).isEqualTo("20261126T061500.999Z-3f2a9c0d11be");
    }

    @Test
    void shouldBeDeterministic_forTheSameInstantAndJob() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");

        assertThat(Version.of(at, JOB)).isEqualTo(Version.of(at, JOB));
    }

    @Test
    void shouldDiffer_forDifferentJobsClaimedInTheSameSecond() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");

        assertThat(Version.of(at, JOB)).isNotEqualTo(Version.of(at, OTHER_JOB));
    }

    @Test
    void shouldOrderByTime_acrossDayMonthAndYearBoundaries() {
        List<Version> expected = List.of(
                Version.of(Instant.parse("2026-12-31T23:59:59Z"), JOB),
                Version.of(Instant.parse("2027-01-01T00:00:00Z"), JOB),
                Version.of(Instant.parse("2027-01-01T00:00:01Z"), OTHER_JOB),
                Version.of(Instant.parse("2027-02-01T00:00:00Z"), JOB),
                Version.of(Instant.parse("2027-10-01T00:00:00Z"), JOB));
        List<Version> shuffled = new ArrayList<>(expected);
        Collections.reverse(shuffled);

        Collections.sort(shuffled);

        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldOrderTheEarlierVersionFirst_regardlessOfTheJobId() {
        Version earlier = Version.of(Instant.parse("2026-05-05T10:00:00Z"), JOB);         // 3f…
        Version later = Version.of(Instant.parse("2026-05-05T10:00:01Z"), OTHER_JOB);     // 01…

        assertThat(earlier).isLessThan(later);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "20261126T061500.000Z", "20261126T061500.000Z-3F2A9C0D11BE", "20261126T061500.000Z-3f2a9c0d11b",
            "20261126T061500Z-3f2a9c0d11be", "2026-11-26T06:15:00Z-3f2a9c0d11be", "../20261126T061500.000Z-3f2a9c0d11be",
            "CURRENT"})
    void shouldRejectMalformedNames(String value) {
        assertThat(Version.isValid(value)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new Version(value))
                .withMessageContaining("Invalid version name");
    }

    @Test
    void shouldAcceptWellFormedNames() {
        assertThat(Version.isValid("20261126T061500.000Z-3f2a9c0d11be")).isTrue();
        assertThat(new Version("20261126T061500.000Z-3f2a9c0d11be").toString()).isEqualTo("20261126T061500.000Z-3f2a9c0d11be");
    }
}
