package dev.efspipe.local.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.efspipe.local.plan.ThroughputPlan.Mode;
import dev.efspipe.local.plan.ThroughputPlan.Workload;
import org.junit.jupiter.api.Test;

/**
 * {@link ThroughputPlan}'s arithmetic on the cases docs/deploy.md works through by hand (10 GiB, 100 GiB and
 * 1 TiB file systems, 1.4 GiB outputs), and on the prices of {@link EfsPrices#US_EAST_1}.
 */
class ThroughputPlanTest {

    private static final EfsPrices PRICES = EfsPrices.US_EAST_1;
    private static final double OUTPUT_GIB = 1.4;

    @Test
    void tenGibSustainsSixtyOutputsADayOnItsBaseline() {
        ThroughputPlan plan = new ThroughputPlan(Workload.of(10, OUTPUT_GIB, Mode.BURSTING));

        // 1 MiB/s x 86,400 s = 84.4 GiB a day; / 1.4 GiB = 60 (docs/deploy.md's table; the seed's 0.5 MiB/s gave 30).
        assertThat(plan.sustainedJobsPerDay()).isCloseTo(60.27, within(0.01));
        assertThat(plan.jobsPerDay()).isEqualTo(60);
        // Each read of the output once more costs a third: 45 a day.
        assertThat(new ThroughputPlan(Workload.of(10, OUTPUT_GIB, Mode.BURSTING).withJobReadGib(OUTPUT_GIB))
                .sustainedJobsPerDay()).isCloseTo(45.2, within(0.1));
    }

    @Test
    void hundredGibAndOneTibSustainWhatTheDocumentationSays() {
        assertThat(new ThroughputPlan(Workload.of(100, OUTPUT_GIB, Mode.BURSTING)).sustainedJobsPerDay())
                .isCloseTo(294, within(1.0));
        assertThat(new ThroughputPlan(Workload.of(1024, OUTPUT_GIB, Mode.BURSTING)).sustainedJobsPerDay())
                .isCloseTo(3013, within(1.0));
    }

    @Test
    void jobTimeSharesTheRateAmongConcurrentJobs() {
        ThroughputPlan plan = new ThroughputPlan(Workload.of(10, OUTPUT_GIB, Mode.BURSTING).withConcurrency(4));

        // With credits: 1.4 GiB at 100 MiB/s alone, at 25 MiB/s each when four share the burst.
        assertThat(plan.jobSeconds(plan.perJobMibps(plan.burstMibps(), 1))).isCloseTo(14.3, within(0.1));
        assertThat(plan.jobSeconds(plan.perJobMibps(plan.burstMibps()))).isCloseTo(57.3, within(0.1));
        // Without credits, 1 MiB/s alone: about 24 minutes (docs/deploy.md), two invocations of 780 s.
        double alone = plan.jobSeconds(plan.perJobMibps(plan.baselineMibps(), 1));
        assertThat(alone / 60).isCloseTo(23.9, within(0.1));
        assertThat(plan.invocations(alone)).isEqualTo(2);
    }

    @Test
    void oneClientNeverGoesFasterThanItsLimit() {
        ThroughputPlan plan = new ThroughputPlan(Workload.of(10 * 1024, OUTPUT_GIB, Mode.BURSTING).withConcurrency(1));

        assertThat(plan.burstMibps()).isEqualTo(1000);
        assertThat(plan.perJobMibps(plan.burstMibps())).isEqualTo(EfsThroughput.CLIENT_MIBPS);
    }

    @Test
    void creditsLastSixHoursAtFullBurstAndTheAlarmLeavesAnHourAndAHalf() {
        ThroughputPlan plan = new ThroughputPlan(Workload.of(100, OUTPUT_GIB, Mode.BURSTING));

        // 2,150 GiB spent at 100 - 4.88 MiB/s; 512 GiB likewise (docs/deploy.md: "about 90 minutes").
        assertThat(plan.hoursOfBurstFromFullCredits()).isCloseTo(6.43, within(0.01));
        assertThat(plan.hoursFromAlarmToEmpty()).isCloseTo(1.53, within(0.01));
        // A pause earns 512 GiB back at 4.88 MiB/s in about 30 hours.
        assertThat(plan.hoursOfPauseToRefillAlarm()).isCloseTo(29.9, within(0.1));
    }

    @Test
    void aWorkloadAboveTheBaselineDrainsTheCreditsByItsExcess() {
        ThroughputPlan plan = new ThroughputPlan(Workload.of(100, OUTPUT_GIB, Mode.BURSTING).withJobsPerDay(400));

        // 400 x 1.4 = 560 GiB a day against 412 GiB earned.
        assertThat(plan.creditDeficitGibPerDay()).isCloseTo(560 - 4.8828125 * 86_400 / 1024, within(1e-6));
        assertThat(new ThroughputPlan(Workload.of(100, OUTPUT_GIB, Mode.BURSTING).withJobsPerDay(200)).creditDeficitGibPerDay())
                .isZero();
    }

    @Test
    void elasticChargesPerGibWrittenAndRead() {
        ThroughputPlan plan = new ThroughputPlan(Workload.of(100, 10, Mode.ELASTIC).withJobReadGib(20).withJobsPerDay(2));

        // 2 jobs x 30 days x (10 GiB x $0.06 + 20 GiB x $0.03) = $72.
        assertThat(plan.throughputDollarsPerMonth(Mode.ELASTIC, PRICES)).isCloseTo(72.0, within(1e-9));
        assertThat(plan.throughputDollarsPerMonth(Mode.BURSTING, PRICES)).isZero();
        assertThat(plan.storageDollarsPerMonth(PRICES)).isCloseTo(30.0, within(1e-9));
    }

    @Test
    void provisionedChargesOnlyAboveTheBaselineTheStorageGives() {
        ThroughputPlan given = new ThroughputPlan(Workload.of(100, 10, Mode.PROVISIONED).withProvisionedMibps(10));
        // (10 - 4.88) MiB/s x $6.00.
        assertThat(given.throughputDollarsPerMonth(Mode.PROVISIONED, PRICES)).isCloseTo((10 - 4.8828125) * 6, within(1e-9));
        assertThat(given.fileSystemMibps()).isEqualTo(10);

        ThroughputPlan below = new ThroughputPlan(Workload.of(1024, 10, Mode.PROVISIONED).withProvisionedMibps(20));
        assertThat(below.throughputDollarsPerMonth(Mode.PROVISIONED, PRICES)).isZero();
        assertThat(below.fileSystemMibps()).as("the storage's 50 MiB/s beat the 20 provisioned").isEqualTo(50);
    }

    @Test
    void provisionedIsSizedForTheWorkloadWhenNotGiven() {
        // 50 jobs x 10 GiB a day = 500 GiB = 5.93 MiB/s on average: 6 MiB/s.
        ThroughputPlan plan = new ThroughputPlan(Workload.of(100, 10, Mode.PROVISIONED).withJobsPerDay(50));
        assertThat(plan.provisionedMibps()).isEqualTo(6);
        assertThat(plan.sustainedJobsPerDay()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void provisionedBeatsElasticAboveFourPercentUtilisation() {
        // $6.00 against 2,531 GiB written in a month at 1 MiB/s x $0.06 = $151.88: 3.95 % (AWS: elastic
        // suits an average of 5 % of the peak or less).
        assertThat(ThroughputPlan.elasticBreakEvenUtilisation(PRICES)).isCloseTo(0.0395, within(0.0001));
    }

    @Test
    void badInputNamesTheOptionAndTheValue() {
        assertThatThrownBy(() -> Workload.of(-5, 1, Mode.BURSTING)).hasMessage("--stored-gib must be 0 or more, got -5.0");
        assertThatThrownBy(() -> Workload.of(5, 0, Mode.BURSTING)).hasMessage("--job-gib must be more than 0, got 0.0");
        assertThatThrownBy(() -> Workload.of(5, 1, Mode.BURSTING).withProvisionedMibps(10))
                .hasMessage("--provisioned-mibps applies to --mode provisioned only (mode is BURSTING)");
        assertThatThrownBy(() -> Workload.of(5, 1, Mode.PROVISIONED).withProvisionedMibps(5000))
                .hasMessage("--provisioned-mibps must be from 1 to 3414 (EFS's limit), got 5000.0");
        assertThatThrownBy(() -> Workload.of(5, 1, Mode.BURSTING).withConcurrency(0))
                .hasMessage("--concurrency must be from 1 to 1000, got 0");
    }

    @Test
    void reportStatesTheNumbersAndThePricesDate() {
        String report = PlanReport.render(new ThroughputPlan(Workload.of(10, OUTPUT_GIB, Mode.BURSTING)), PRICES);

        assertThat(report)
                .contains("baseline               1.00 MiB/s  (50 KiB/s per GiB gives 0.49, below the 1 MiB/s minimum)")
                .contains("burst                100.00 MiB/s")
                .contains("14.4 min")
                .contains("sustained                60")
                .contains("us-east-1 prices of " + EfsPrices.AS_OF)
                .contains("ProcessorReservedConcurrency=0");
    }
}
