package dev.efspipe.local.plan;

import dev.efspipe.local.plan.ThroughputPlan.Mode;
import dev.efspipe.local.plan.ThroughputPlan.Workload;
import java.util.Locale;

/** {@link ThroughputPlan} as the text {@code ./pipeline plan} prints. */
public final class PlanReport {

    private PlanReport() {
    }

    public static String render(ThroughputPlan plan, EfsPrices prices) {
        Workload w = plan.workload();
        StringBuilder out = new StringBuilder();
        line(out, "EFS throughput plan: %s GiB stored, jobs writing %s GiB%s, %s mode, %d at once",
                number(w.storedGib()), number(w.jobWrittenGib()),
                w.jobReadGib() > 0 ? " and reading " + number(w.jobReadGib()) + " GiB" : "",
                w.mode().name().toLowerCase(Locale.ROOT), w.concurrency());
        line(out, "(AWS's published EFS numbers: see README, \"Throughput planning\")");
        out.append('\n');

        double baseline = plan.baselineMibps();
        double formula = EfsThroughput.formulaBaselineMibps(w.storedGib());
        line(out, "Throughput");
        if (w.mode() == Mode.BURSTING || w.mode() == Mode.PROVISIONED) {
            line(out, "  baseline          %9s MiB/s  %s", rate(baseline), formula < EfsThroughput.MINIMUM_BASELINE_MIBPS
                    ? "(50 KiB/s per GiB gives " + rate(formula) + ", below the 1 MiB/s minimum)"
                    : "(50 KiB/s per GiB stored)");
        }
        switch (w.mode()) {
            case BURSTING -> {
                line(out, "  burst             %9s MiB/s  while credits last", rate(plan.burstMibps()));
                line(out, "  burst time a day  %9s min    on the credits one day earns (baseline / burst x 24 h)",
                        number(EfsThroughput.burstMinutesPerDay(w.storedGib())));
                line(out, "  credit balance    %9s GiB    at most (a new file system starts with %s TiB)",
                        number(EfsThroughput.creditCapacityGib(w.storedGib())), number(EfsThroughput.CREDITS_TIB));
            }
            case ELASTIC -> line(out, "  elastic           %9s MiB/s  writes per file system (1 to 5 GiB/s by Region), %s MiB/s per client",
                    rate(EfsThroughput.ELASTIC_FILE_SYSTEM_WRITE_MIBPS), rate(EfsThroughput.ELASTIC_CLIENT_MIBPS));
            case PROVISIONED -> line(out, "  provisioned       %9s MiB/s  %s", rate(plan.provisionedMibps()),
                    w.provisionedMibps() > 0 ? "(given)" : "(sized for the workload below: --provisioned-mibps to choose)");
        }
        out.append('\n');

        line(out, "One job (%s GiB metered%s)", number(plan.meteredGibPerJob()),
                w.jobReadGib() > 0 ? ": reads count a third" : "");
        jobLine(out, plan, "alone", plan.perJobMibps(plan.fileSystemMibps(), 1));
        if (w.concurrency() > 1) {
            jobLine(out, plan, w.concurrency() + " at once", plan.perJobMibps(plan.fileSystemMibps()));
        }
        if (w.mode() == Mode.BURSTING) {
            jobLine(out, plan, w.concurrency() + " at once, no credits", plan.perJobMibps(baseline));
        }
        out.append('\n');

        line(out, "Jobs a day");
        switch (w.mode()) {
            case BURSTING -> {
                line(out, "  sustained         %9s        (the baseline moves %s GiB a day)",
                        count(plan.sustainedJobsPerDay()), number(EfsThroughput.baselineGibPerDay(w.storedGib())));
                line(out, "  from full credits %9s more   once, back to back at the burst rate",
                        count(plan.jobsFromFullCredits()));
            }
            case ELASTIC -> line(out, "  limit             %9s        (no credits: elastic's write rate all day)",
                    count(plan.sustainedJobsPerDay()));
            case PROVISIONED -> line(out, "  sustained         %9s        (at %s MiB/s all day)",
                    count(plan.sustainedJobsPerDay()), rate(plan.fileSystemMibps()));
        }
        out.append('\n');

        double jobs = plan.jobsPerDay();
        line(out, "Cost a month for %s jobs a day%s; %s prices of %s, %d days; storage %s in every mode",
                count(jobs), w.jobsPerDay() > 0 ? "" : " (what bursting sustains: --jobs-per-day to choose)",
                prices.region(), prices.asOf(), EfsPrices.DAYS_PER_MONTH, dollars(plan.storageDollarsPerMonth(prices)));
        line(out, "  bursting          %9s        %s", dollars(plan.throughputDollarsPerMonth(Mode.BURSTING, prices)),
                plan.creditDeficitGibPerDay() > 0
                        ? String.format(Locale.ROOT, "but the workload spends %s GiB of credits a day more than it earns",
                                number(plan.creditDeficitGibPerDay()))
                        : "included in storage");
        line(out, "  elastic           %9s        $%s per GiB written, $%s per GiB read",
                dollars(plan.throughputDollarsPerMonth(Mode.ELASTIC, prices)), number(prices.elasticWritePerGib()),
                number(prices.elasticReadPerGib()));
        line(out, "  provisioned       %9s        %s MiB/s at $%s per MiB/s-month above the %s MiB/s the storage gives",
                dollars(plan.throughputDollarsPerMonth(Mode.PROVISIONED, prices)), rate(plan.provisionedMibps()),
                number(prices.provisionedMibpsMonth()), rate(baseline));
        line(out, "  provisioned costs less than elastic once the file system writes more than %s%% of the time",
                number(100 * ThroughputPlan.elasticBreakEvenUtilisation(prices)));
        out.append('\n');

        line(out, "When to pause (ProcessorReservedConcurrency=0: jobs wait in the process queue, kept 7 days)");
        if (w.mode() == Mode.BURSTING) {
            line(out, "  a full balance lasts %s h of processing at the burst rate; the alarm (%s GiB left) gives %s h more",
                    number(plan.hoursOfBurstFromFullCredits()), number(w.alarmGib()), number(plan.hoursFromAlarmToEmpty()));
            line(out, "  pause when the alarm fires and the work can wait: %s h of pause earn the alarm's %s GiB back",
                    number(plan.hoursOfPauseToRefillAlarm()), number(w.alarmGib()));
            if (plan.creditDeficitGibPerDay() > 0) {
                line(out, "  at %s jobs a day the credits run out after %s days: lower the rate, or switch to elastic or provisioned",
                        count(jobs), number(EfsThroughput.creditCapacityGib(w.storedGib()) / plan.creditDeficitGibPerDay()));
            } else {
                line(out, "  at %s jobs a day the baseline earns what the jobs spend: no pause needed", count(jobs));
            }
        } else {
            line(out, "  no credits in %s mode: pause only to stop the processing (a bad batch, an incident)",
                    w.mode().name().toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    private static void jobLine(StringBuilder out, ThroughputPlan plan, String label, double perJobMibps) {
        double seconds = plan.jobSeconds(perJobMibps);
        int invocations = plan.invocations(seconds);
        line(out, "  %-24s %9s  at %s MiB/s each%s", label, duration(seconds), rate(perJobMibps),
                invocations > 1 ? String.format(Locale.ROOT, ", %d invocations (checkpoints)", invocations) : "");
    }

    private static void line(StringBuilder out, String format, Object... arguments) {
        out.append(String.format(Locale.ROOT, format, arguments)).append('\n');
    }

    static String rate(double mibps) {
        return String.format(Locale.ROOT, "%.2f", mibps);
    }

    static String number(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    static String count(double value) {
        return String.format(Locale.ROOT, "%,d", (long) Math.floor(value));
    }

    static String dollars(double value) {
        return String.format(Locale.ROOT, "$%,.2f", value);
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
