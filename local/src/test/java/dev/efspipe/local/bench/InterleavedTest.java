package dev.efspipe.local.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InterleavedTest {
    @Test
    void shouldRunEveryCommandOnceEachRound_inTheOrderGiven_warmUpsFirstAndNotCounted() {
        List<Interleaved.Slot> slots = Interleaved.schedule(2, 1, 3);

        assertThat(slots).extracting(Interleaved.Slot::command).containsExactly(0, 1, 0, 1, 0, 1, 0, 1);
        assertThat(slots).extracting(Interleaved.Slot::round).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);
        assertThat(slots).extracting(Interleaved.Slot::counted).containsExactly(false, false, true, true, true, true, true, true);
    }

    @Test
    void shouldCountEveryRound_whenThereIsNoWarmUp() {
        assertThat(Interleaved.schedule(3, 0, 2)).allMatch(Interleaved.Slot::counted).hasSize(6);
    }

    @Test
    void shouldRefuseASchedule_withoutACountedRun() {
        assertThatThrownBy(() -> Interleaved.schedule(2, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs 0");
    }

    @Test
    void shouldTakeTheMiddleValue_ofAnOddNumberOfTimes_withTheirExtremes() {
        Interleaved.Spread s = Interleaved.Spread.of(List.of(9.0, 5.0, 7.0, 6.0, 20.0));

        assertThat(s).isEqualTo(new Interleaved.Spread(7.0, 5.0, 20.0));
    }

    @Test
    void shouldAverageTheTwoMiddleValues_ofAnEvenNumberOfTimes() {
        assertThat(Interleaved.Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    }

    @Test
    void shouldGiveThroughputAsBaselineTimeOverOurs_soThatAboveOneOursIsFaster() {
        assertThat(Interleaved.throughputRatio(5.8, 11.6)).isCloseTo(0.5, within(1e-12));
        assertThat(Interleaved.throughputRatio(6.6, 5.5)).isCloseTo(1.2, within(1e-12));
    }

    @Test
    void shouldPairTheRunsOfOneRound_notTheSortedTimes() {
        // Round 2 was slow for both (the machine drifted): pair by pair the ratio stays 0.5.
        Interleaved.Spread pairs = Interleaved.pairwise(List.of(1.0, 4.0, 1.5), List.of(2.0, 8.0, 3.0));

        assertThat(pairs.min()).isCloseTo(0.5, within(1e-12));
        assertThat(pairs.max()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void shouldRefusePairs_ofDifferentLengths() {
        assertThatThrownBy(() -> Interleaved.pairwise(List.of(1.0, 2.0), List.of(1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 1");
    }

    @Test
    void shouldGiveMegabytesPerSecond_inDecimalMegabytes() {
        assertThat(Interleaved.megabytesPerSecond(1_000_000_000L, 4.0)).isEqualTo(250.0);
    }
}
