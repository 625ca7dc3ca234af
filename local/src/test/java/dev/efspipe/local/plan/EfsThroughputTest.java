package dev.efspipe.local.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link EfsThroughput} against the examples AWS publishes. AWS's bursting table (EFS User Guide, before
 * the 2020 minimum) lists file system size, baseline, burst, and minutes of burst a day; the knowledge
 * center gives 2 TiB as 100 MiB/s baseline and 200 MiB/s burst, 100 GiB as "5 MiB/s" and "72 minutes a
 * day" (rounded); the June 2020 announcement sets a 1 MiB/s minimum; a new file system starts with
 * 2.1 TiB of credits, "about 6 hours" at 100 MiB/s.
 */
class EfsThroughputTest {

    @ParameterizedTest(name = "{0} GiB: baseline {1} MiB/s, burst {2} MiB/s, {3} min a day")
    @CsvSource({
            // AWS's bursting table: size (GiB), baseline, burst, maximum burst minutes per day.
            "256,  12.5, 100, 180",
            "512,  25.0, 100, 360",
            "1024, 50.0, 100, 720",
            "1536, 75.0, 150, 720",
            "2048, 100.0, 200, 720",
            "3072, 150.0, 300, 720",
            "4096, 200.0, 400, 720"})
    void matchesAwsBurstingTable(double storedGib, double baseline, double burst, double minutesPerDay) {
        assertThat(EfsThroughput.baselineMibps(storedGib)).isCloseTo(baseline, within(1e-9));
        assertThat(EfsThroughput.burstMibps(storedGib)).isCloseTo(burst, within(1e-9));
        assertThat(EfsThroughput.burstMinutesPerDay(storedGib)).isCloseTo(minutesPerDay, within(1e-9));
    }

    @Test
    void seedsTenGibExampleIsHalfAMibpsAndSevenMinutesBeforeTheMinimum() {
        // The seed (and AWS's table before June 2020): 10 GiB -> 0.5 MiB/s, 7.2 minutes of burst a day.
        assertThat(EfsThroughput.formulaBaselineMibps(10)).isCloseTo(0.488, within(0.001));
        double oldMinutes = EfsThroughput.formulaBaselineMibps(10) / EfsThroughput.burstMibps(10) * 24 * 60;
        assertThat(oldMinutes).isCloseTo(7.2, within(0.2));
    }

    @Test
    void tenGibIsCorrectedToTheOneMibpsMinimum() {
        assertThat(EfsThroughput.baselineMibps(10)).isEqualTo(1.0);
        assertThat(EfsThroughput.burstMinutesPerDay(10)).isCloseTo(14.4, within(1e-9));
        assertThat(EfsThroughput.baselineGibPerDay(10)).isCloseTo(84.375, within(1e-9));
    }

    @Test
    void minimumBaselineAppliesBelowTwentyGib() {
        // "a fixed minimum of 1 MiB/s for file systems with less than 20 GiB": exactly, up to 20.48 GiB.
        assertThat(EfsThroughput.baselineMibps(0)).isEqualTo(1.0);
        assertThat(EfsThroughput.baselineMibps(19)).isEqualTo(1.0);
        assertThat(EfsThroughput.baselineMibps(20.48)).isCloseTo(1.0, within(1e-12));
        assertThat(EfsThroughput.baselineMibps(21)).isCloseTo(21 * 50 / 1024.0, within(1e-12)).isGreaterThan(1.0);
    }

    @Test
    void hundredGibIsAwsRoundedFiveMibpsAndSeventyTwoMinutes() {
        assertThat(EfsThroughput.baselineMibps(100)).isCloseTo(5, within(0.15));
        assertThat(EfsThroughput.burstMibps(100)).isEqualTo(100);
        assertThat(EfsThroughput.burstMinutesPerDay(100)).isCloseTo(72, within(2.0));
    }

    @Test
    void twoTibBurstsToTwiceItsBaseline() {
        assertThat(EfsThroughput.baselineMibps(2048)).isEqualTo(100);
        assertThat(EfsThroughput.burstMibps(2048)).isEqualTo(200);
    }

    @Test
    void creditsAreCappedAtTwoPointOneTibOrPerTibAboveOne() {
        assertThat(EfsThroughput.creditCapacityGib(10)).isCloseTo(2.1 * 1024, within(1e-9));
        assertThat(EfsThroughput.creditCapacityGib(1024)).isCloseTo(2.1 * 1024, within(1e-9));
        assertThat(EfsThroughput.creditCapacityGib(3 * 1024)).isCloseTo(6.3 * 1024, within(1e-9));
        // A new file system's 2.1 TiB at 100 MiB/s: about six hours.
        assertThat(2.1 * 1024 * 1024 / 100 / 3600).isCloseTo(6.1, within(0.05));
    }

    @Test
    void readsAreMeteredAtOneThird() {
        assertThat(EfsThroughput.meteredGib(3, 3)).isCloseTo(4, within(1e-12));
        assertThat(EfsThroughput.meteredGib(0, 9)).isCloseTo(3, within(1e-12));
    }

    @Test
    void negativeSizesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> EfsThroughput.baselineMibps(-1)).hasMessage("stored data must be 0 GiB or more, got -1.0");
        assertThatThrownBy(() -> EfsThroughput.burstMibps(Double.NaN)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> EfsThroughput.meteredGib(-1, 0)).hasMessageContaining("got -1.0 and 0.0");
    }
}
