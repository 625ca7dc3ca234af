package dev.efspipe.local.plan;

import static dev.efspipe.local.plan.EfsThroughput.MIB_PER_GIB;
import static dev.efspipe.local.plan.EfsThroughput.SECONDS_PER_DAY;

import java.util.Locale;

/**
 * What a file system of a given size and mode sustains for jobs of a given size: the seed's model (one job
 * writes its output to EFS once, consumers read it), with {@link EfsThroughput}'s numbers and
 * {@link EfsPrices}' prices. The processors share the file system's throughput: {@code concurrency} jobs at
 * once each get a share, and never more than one client's limit. Processor CPU is not modelled: a job is
 * taken to go as fast as EFS lets it (the processor splits JSON at about 300 MB/s on one core, faster
 * than any burst rate below 3 TiB stored).
 *
 * @param workload what the file system holds and what a job moves
 */
public record ThroughputPlan(Workload workload) {

    /** The file system's throughput mode, as in {@code template.yaml}'s EfsThroughputMode. */
    public enum Mode { BURSTING, ELASTIC, PROVISIONED }

    /**
     * The planner's inputs.
     *
     * @param storedGib        data in EFS Standard storage
     * @param jobWrittenGib    what one job writes to EFS (its output: the manifest's {@code efsBytesWritten})
     * @param jobReadGib       what one job, and the consumers of its output, read from EFS
     * @param mode             the throughput mode
     * @param provisionedMibps provisioned throughput, or 0 to let the planner size it for the workload
     * @param concurrency      jobs running at once (ProcessorConcurrency)
     * @param jobsPerDay       the workload, or 0 for "as many as bursting sustains"
     * @param alarmGib         the burst credit alarm's threshold (EfsBurstCreditAlarmBytes, in GiB)
     * @param invocationSeconds the processor's timeout
     * @param reserveSeconds   what it keeps in reserve to checkpoint (PIPELINE_SUSPEND_MARGIN_SECONDS)
     */
    public record Workload(double storedGib, double jobWrittenGib, double jobReadGib, Mode mode, double provisionedMibps,
                           int concurrency, double jobsPerDay, double alarmGib, int invocationSeconds, int reserveSeconds) {

        public Workload {
            require(storedGib >= 0 && Double.isFinite(storedGib), "--stored-gib must be 0 or more, got %s", storedGib);
            require(jobWrittenGib > 0 && Double.isFinite(jobWrittenGib), "--job-gib must be more than 0, got %s", jobWrittenGib);
            require(jobReadGib >= 0 && Double.isFinite(jobReadGib), "--job-read-gib must be 0 or more, got %s", jobReadGib);
            require(mode != null, "--mode must be bursting, elastic or provisioned", "");
            require(provisionedMibps == 0 || (provisionedMibps >= 1 && provisionedMibps <= EfsThroughput.MAXIMUM_PROVISIONED_MIBPS),
                    "--provisioned-mibps must be from 1 to " + (int) EfsThroughput.MAXIMUM_PROVISIONED_MIBPS + " (EFS's limit), got %s",
                    provisionedMibps);
            require(provisionedMibps == 0 || mode == Mode.PROVISIONED,
                    "--provisioned-mibps applies to --mode provisioned only (mode is %s)", mode);
            require(concurrency >= 1 && concurrency <= 1000, "--concurrency must be from 1 to 1000, got %s", concurrency);
            require(jobsPerDay >= 0 && Double.isFinite(jobsPerDay), "--jobs-per-day must be 0 or more, got %s", jobsPerDay);
            require(alarmGib >= 0 && Double.isFinite(alarmGib), "the alarm threshold must be 0 GiB or more, got %s", alarmGib);
            require(invocationSeconds > reserveSeconds && reserveSeconds >= 0,
                    "the invocation (%s s) must be longer than the reserve kept to checkpoint", invocationSeconds);
        }

        /** The defaults of template.yaml: 4 processors, 512 GiB alarm, 900 s invocations keeping 120 s. */
        public static Workload of(double storedGib, double jobWrittenGib, Mode mode) {
            return new Workload(storedGib, jobWrittenGib, 0, mode, 0, 4, 0, 512, 900, 120);
        }

        public Workload withConcurrency(int value) {
            return new Workload(storedGib, jobWrittenGib, jobReadGib, mode, provisionedMibps, value, jobsPerDay, alarmGib,
                    invocationSeconds, reserveSeconds);
        }

        public Workload withJobsPerDay(double value) {
            return new Workload(storedGib, jobWrittenGib, jobReadGib, mode, provisionedMibps, concurrency, value, alarmGib,
                    invocationSeconds, reserveSeconds);
        }

        public Workload withJobReadGib(double value) {
            return new Workload(storedGib, jobWrittenGib, value, mode, provisionedMibps, concurrency, jobsPerDay, alarmGib,
                    invocationSeconds, reserveSeconds);
        }

        public Workload withProvisionedMibps(double value) {
            return new Workload(storedGib, jobWrittenGib, jobReadGib, mode, value, concurrency, jobsPerDay, alarmGib,
                    invocationSeconds, reserveSeconds);
        }

        private static void require(boolean condition, String message, Object value) {
            if (!condition) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, message, value));
            }
        }
    }

    // ------------------------------------------------------------------ throughput

    public double baselineMibps() {
        return EfsThroughput.baselineMibps(workload.storedGib());
    }

    public double burstMibps() {
        return EfsThroughput.burstMibps(workload.storedGib());
    }

    /** Metered GiB of one job (reads count a third): what the bursting and provisioned limits see. */
    public double meteredGibPerJob() {
        return EfsThroughput.meteredGib(workload.jobWrittenGib(), workload.jobReadGib());
    }

    /**
     * The provisioned throughput the plan prices: the one given, else the least whole MiB/s that carries the
     * day's workload at a steady rate (but no less than 1).
     */
    public double provisionedMibps() {
        if (workload.provisionedMibps() > 0) {
            return workload.provisionedMibps();
        }
        return Math.max(1, Math.ceil(jobsPerDay() * meteredGibPerJob() * MIB_PER_GIB / SECONDS_PER_DAY));
    }

    /** The file system's rate while it has credits (bursting), or its rate (elastic, provisioned). */
    public double fileSystemMibps() {
        return switch (workload.mode()) {
            case BURSTING -> burstMibps();
            case ELASTIC -> EfsThroughput.ELASTIC_FILE_SYSTEM_WRITE_MIBPS;
            case PROVISIONED -> Math.max(provisionedMibps(), baselineMibps());
        };
    }

    /** The rate of one job when {@code concurrency} jobs share a file system rate, capped by one client's limit. */
    public double perJobMibps(double fileSystemMibps) {
        return perJobMibps(fileSystemMibps, workload.concurrency());
    }

    /** The rate of one job among {@code jobsAtOnce} sharing a file system rate. */
    public double perJobMibps(double fileSystemMibps, int jobsAtOnce) {
        double client = workload.mode() == Mode.ELASTIC ? EfsThroughput.ELASTIC_CLIENT_MIBPS : EfsThroughput.CLIENT_MIBPS;
        return Math.min(client, fileSystemMibps / jobsAtOnce);
    }

    /** Seconds one job takes at a per-job rate: its metered bytes (elastic: its bytes) over the rate. */
    public double jobSeconds(double perJobMibps) {
        double gib = workload.mode() == Mode.ELASTIC ? workload.jobWrittenGib() + workload.jobReadGib() : meteredGibPerJob();
        return gib * MIB_PER_GIB / perJobMibps;
    }

    /** Invocations a job of that length needs: each gives the timeout less the checkpoint reserve. */
    public int invocations(double jobSeconds) {
        return (int) Math.max(1, Math.ceil(jobSeconds / (workload.invocationSeconds() - workload.reserveSeconds())));
    }

    // ------------------------------------------------------------------ credits

    /** Jobs a day the file system sustains: bursting and provisioned by their steady rate, elastic by its limit. */
    public double sustainedJobsPerDay() {
        double steadyMibps = switch (workload.mode()) {
            case BURSTING -> baselineMibps();
            case ELASTIC -> EfsThroughput.ELASTIC_FILE_SYSTEM_WRITE_MIBPS;
            case PROVISIONED -> fileSystemMibps();
        };
        return steadyMibps * SECONDS_PER_DAY / MIB_PER_GIB / meteredGibPerJob();
    }

    /** Jobs a full credit balance pays for at once, back to back at the burst rate, on top of the sustained ones. */
    public double jobsFromFullCredits() {
        double spentPerJob = meteredGibPerJob() * (1 - baselineMibps() / burstMibps());
        return EfsThroughput.creditCapacityGib(workload.storedGib()) / spentPerJob;
    }

    /** Hours a full balance lasts while the file system is driven at its burst rate without a pause. */
    public double hoursOfBurstFromFullCredits() {
        return hoursToSpend(EfsThroughput.creditCapacityGib(workload.storedGib()));
    }

    /** Hours from the alarm's threshold to an empty balance at the burst rate. */
    public double hoursFromAlarmToEmpty() {
        return hoursToSpend(workload.alarmGib());
    }

    /** Hours of pause (no EFS traffic) that earn the alarm threshold's worth of credits back at the baseline. */
    public double hoursOfPauseToRefillAlarm() {
        return workload.alarmGib() * MIB_PER_GIB / baselineMibps() / 3600;
    }

    private double hoursToSpend(double gib) {
        return gib * MIB_PER_GIB / (burstMibps() - baselineMibps()) / 3600;
    }

    /** The workload the plan prices: the jobs a day given, or else what bursting sustains. */
    public double jobsPerDay() {
        if (workload.jobsPerDay() > 0) {
            return workload.jobsPerDay();
        }
        return Math.floor(baselineMibps() * SECONDS_PER_DAY / MIB_PER_GIB / meteredGibPerJob());
    }

    /** GiB of credits a day the workload spends beyond what the baseline earns (bursting); 0 if it fits. */
    public double creditDeficitGibPerDay() {
        return Math.max(0, jobsPerDay() * meteredGibPerJob() - EfsThroughput.baselineGibPerDay(workload.storedGib()));
    }

    // ------------------------------------------------------------------ cost

    public double storageDollarsPerMonth(EfsPrices prices) {
        return workload.storedGib() * prices.storageGibMonth();
    }

    /** Throughput charge per month in a mode, for {@link #jobsPerDay()} (storage not included). */
    public double throughputDollarsPerMonth(Mode mode, EfsPrices prices) {
        double days = EfsPrices.DAYS_PER_MONTH;
        return switch (mode) {
            case BURSTING -> 0;
            case ELASTIC -> jobsPerDay() * days
                    * (workload.jobWrittenGib() * prices.elasticWritePerGib() + workload.jobReadGib() * prices.elasticReadPerGib());
            case PROVISIONED -> Math.max(0, provisionedMibps() - baselineMibps()) * prices.provisionedMibpsMonth();
        };
    }

    /**
     * The share of the time a file system must be writing for provisioned throughput to cost less than elastic:
     * one MiB/s provisioned for a month against one MiB/s written through elastic for a month.
     */
    public static double elasticBreakEvenUtilisation(EfsPrices prices) {
        double gibWrittenInAMonth = SECONDS_PER_DAY * EfsPrices.DAYS_PER_MONTH / MIB_PER_GIB;
        return prices.provisionedMibpsMonth() / (gibWrittenInAMonth * prices.elasticWritePerGib());
    }
}
