package dev.efspipe.local.plan;

/**
 * Amazon EFS throughput as AWS publishes it, for a file system in the Regional storage classes with the
 * General Purpose performance mode (what {@code template.yaml} creates). Units are binary: GiB, TiB, MiB/s,
 * as AWS writes them.
 *
 * <p>Bursting mode (EFS User Guide, "Throughput modes"; re:Post knowledge center "How do Amazon EFS burst
 * credits work?" and "Which throughput mode is right for my workload"):
 * <ul>
 *   <li><b>baseline</b>: 50 KiB/s per GiB of data in EFS Standard storage (50 MiB/s per TiB), and at least
 *       {@value #MINIMUM_BASELINE_MIBPS} MiB/s. The minimum dates from AWS's announcement of 30 June 2020
 *       ("Amazon Elastic File System increases file system minimum throughput"), which raised small file
 *       systems "from 50KiB/s per GiB ... to a fixed minimum of 1 MiB/s for file systems with less than
 *       20 GiB"; exactly, the formula gives less than 1 MiB/s below 20.48 GiB. Before it, a 10 GiB file
 *       system had 0.5 MiB/s: the seed's example, and the figure of AWS's old bursting table.</li>
 *   <li><b>burst</b>: 100 MiB/s whatever the size, 100 MiB/s per TiB above 1 TiB, while burst credits
 *       last.</li>
 *   <li><b>credits</b>: earned at the baseline rate whenever the metered throughput is below it and spent
 *       above it; a new file system starts with 2.1 TiB; the balance is capped at 2.1 TiB, or 2.1 TiB per
 *       TiB stored above 1 TiB.</li>
 *   <li><b>burst time per day</b> (AWS's table, which assumes the day's credits are all earned at the
 *       baseline and spent at the burst rate): baseline / burst x 24 h: 7.2 minutes for 10 GiB before the
 *       minimum (14.4 after), 72 minutes for 100 GiB, 12 hours from 1 TiB up.</li>
 *   <li><b>metering</b>: reads count one third of their bytes, writes and metadata in full; this applies to
 *       the bursting and provisioned limits (elastic bills reads and writes separately instead).</li>
 * </ul>
 *
 * <p>Other limits used by the planner (EFS User Guide, "Amazon EFS performance specifications", General
 * Purpose, Regional): one client can drive at most {@value #CLIENT_MIBPS} MiB/s in bursting or provisioned
 * mode and {@value #ELASTIC_CLIENT_MIBPS} MiB/s in elastic mode; elastic writes reach 1 to 5 GiB/s per file
 * system depending on the Region ({@value #ELASTIC_FILE_SYSTEM_WRITE_MIBPS} MiB/s here, the lowest);
 * provisioned throughput goes up to {@value #MAXIMUM_PROVISIONED_MIBPS} MiB/s (the API's limit, more only
 * through AWS Support in some Regions). In provisioned mode a file system whose storage gives a higher
 * bursting baseline gets that instead.
 */
public final class EfsThroughput {

    /** Baseline of bursting mode: KiB/s per GiB stored (= MiB/s per TiB). */
    public static final double BASELINE_KIBPS_PER_GIB = 50;
    /** Smallest baseline of any file system, since 30 June 2020. */
    public static final double MINIMUM_BASELINE_MIBPS = 1;
    /** Burst rate: MiB/s per TiB stored, and at least {@link #MINIMUM_BURST_MIBPS}. */
    public static final double BURST_MIBPS_PER_TIB = 100;
    public static final double MINIMUM_BURST_MIBPS = 100;
    /** Credits a new file system starts with, and the cap per TiB stored (at least this much). */
    public static final double CREDITS_TIB = 2.1;
    /** Reads count this fraction of their bytes towards the bursting and provisioned limits. */
    public static final double READ_METERING = 1.0 / 3;
    public static final double CLIENT_MIBPS = 500;
    public static final double ELASTIC_CLIENT_MIBPS = 1500;
    public static final double ELASTIC_FILE_SYSTEM_WRITE_MIBPS = 1024;
    public static final double MAXIMUM_PROVISIONED_MIBPS = 3414;

    static final double MIB_PER_GIB = 1024;
    static final double GIB_PER_TIB = 1024;
    static final double SECONDS_PER_DAY = 86_400;

    private EfsThroughput() {
    }

    /** The bursting baseline in MiB/s for this much data in Standard storage, the 1 MiB/s minimum applied. */
    public static double baselineMibps(double storedGib) {
        return Math.max(MINIMUM_BASELINE_MIBPS, formulaBaselineMibps(storedGib));
    }

    /** 50 KiB/s per GiB without the minimum: what the seed (and AWS before June 2020) computed. */
    public static double formulaBaselineMibps(double storedGib) {
        requireStored(storedGib);
        return storedGib * BASELINE_KIBPS_PER_GIB / 1024;
    }

    /** The bursting mode's burst rate in MiB/s. */
    public static double burstMibps(double storedGib) {
        requireStored(storedGib);
        return Math.max(MINIMUM_BURST_MIBPS, storedGib / GIB_PER_TIB * BURST_MIBPS_PER_TIB);
    }

    /** The most burst credits the file system can hold, in GiB (a new one starts with 2.1 TiB). */
    public static double creditCapacityGib(double storedGib) {
        requireStored(storedGib);
        return CREDITS_TIB * GIB_PER_TIB * Math.max(1, storedGib / GIB_PER_TIB);
    }

    /** Minutes a day the file system can burst on the credits it earns that day (AWS's table). */
    public static double burstMinutesPerDay(double storedGib) {
        return baselineMibps(storedGib) / burstMibps(storedGib) * 24 * 60;
    }

    /** What the bursting baseline moves in a day, in GiB of metered throughput. */
    public static double baselineGibPerDay(double storedGib) {
        return baselineMibps(storedGib) * SECONDS_PER_DAY / MIB_PER_GIB;
    }

    /** Metered bytes (GiB) of a job that writes and reads these many GiB on EFS. */
    public static double meteredGib(double writtenGib, double readGib) {
        if (writtenGib < 0 || readGib < 0) {
            throw new IllegalArgumentException("bytes written and read must be 0 or more, got " + writtenGib + " and " + readGib);
        }
        return writtenGib + readGib * READ_METERING;
    }

    private static void requireStored(double storedGib) {
        if (!(storedGib >= 0) || Double.isInfinite(storedGib)) {
            throw new IllegalArgumentException("stored data must be 0 GiB or more, got " + storedGib);
        }
    }
}
