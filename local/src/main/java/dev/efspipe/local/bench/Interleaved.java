package dev.efspipe.local.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of a process-to-process comparison, kept apart from the processes so that it can be tested:
 * the order in which the commands run (interleaved, A B A B …, after uncounted warm-up rounds, so that a drift
 * of the machine's speed falls on every command alike) and the statistics of their wall times.
 *
 * <p>Ratios are of throughput, as the goals are: {@code baseline time / our time}, so that above 1
 * ours is faster. They are given two ways: of the medians, and pair by pair (the two commands of one round),
 * whose spread says how much the machine drifted.
 */
final class Interleaved {
    private Interleaved() {}

    /** One run of one command: which round, which command (its index), and whether its time counts. */
    record Slot(int round, int command, boolean counted) {}

    /** A median with the smallest and largest value it was taken from. */
    record Spread(double median, double min, double max) {
        static Spread of(List<Double> values) {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("no values to take a median of");
            }
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Spread(median, sorted[0], sorted[n - 1]);
        }
    }

    /**
     * Rounds of every command in the order given: {@code warmups} rounds that do not count, then {@code runs}
     * rounds that do. Round numbers start at 1 for the first counted round; warm-up rounds are numbered 0, -1, ….
     */
    static List<Slot> schedule(int commands, int warmups, int runs) {
        if (commands < 1 || warmups < 0 || runs < 1) {
            throw new IllegalArgumentException("need at least one command and one counted run (commands " + commands
                    + ", warm-ups " + warmups + ", runs " + runs + ")");
        }
        List<Slot> slots = new ArrayList<>();
        for (int round = 1 - warmups; round <= runs; round++) {
            for (int c = 0; c < commands; c++) {
                slots.add(new Slot(round, c, round >= 1));
            }
        }
        return slots;
    }

    /** Throughput of ours relative to the baseline: above 1, ours is faster. */
    static double throughputRatio(double baselineSeconds, double oursSeconds) {
        if (baselineSeconds <= 0 || oursSeconds <= 0) {
            throw new IllegalArgumentException("times must be positive (baseline " + baselineSeconds + " s, ours " + oursSeconds + " s)");
        }
        return baselineSeconds / oursSeconds;
    }

    /** The throughput ratio of each round's pair (the same round of both commands), as a spread. */
    static Spread pairwise(List<Double> baselineSeconds, List<Double> oursSeconds) {
        if (baselineSeconds.size() != oursSeconds.size()) {
            throw new IllegalArgumentException("pairs need as many baseline runs as ours (" + baselineSeconds.size()
                    + " and " + oursSeconds.size() + ")");
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < baselineSeconds.size(); i++) {
            ratios.add(throughputRatio(baselineSeconds.get(i), oursSeconds.get(i)));
        }
        return Spread.of(ratios);
    }

    /** Megabytes (10^6 bytes) per second. */
    static double megabytesPerSecond(long bytes, double seconds) {
        return bytes / 1e6 / seconds;
    }
}
