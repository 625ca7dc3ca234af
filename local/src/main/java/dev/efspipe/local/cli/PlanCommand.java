package dev.efspipe.local.cli;

import dev.efspipe.local.plan.EfsPrices;
import dev.efspipe.local.plan.PlanReport;
import dev.efspipe.local.plan.ThroughputPlan;
import dev.efspipe.local.plan.ThroughputPlan.Mode;
import dev.efspipe.local.plan.ThroughputPlan.Workload;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./pipeline plan}: what an EFS file system sustains for jobs of a size, and what each mode costs. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"EFS throughput planner: baseline and burst throughput, time per job, jobs a day the credits",
                "sustain, the cost of each throughput mode and when to pause. AWS's published numbers and us-east-1 prices."})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--stored-gib", required = true, description = "GiB of data in the file system (EFS Standard storage).")
    double storedGib;

    @Option(names = "--job-gib", required = true,
            description = "GiB one job writes to EFS: its output (a manifest's efsBytesWritten).")
    double jobGib;

    @Option(names = "--job-read-gib", defaultValue = "0",
            description = "GiB read from EFS per job, by the job and the consumers of its output (default 0; counted a third).")
    double jobReadGib;

    @Option(names = "--mode", defaultValue = "bursting", description = "bursting, elastic or provisioned (default ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--provisioned-mibps", defaultValue = "0",
            description = "Provisioned throughput with --mode provisioned (default: sized for the workload).")
    double provisionedMibps;

    @Option(names = "--concurrency", defaultValue = "4", description = "Jobs at once: ProcessorConcurrency (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--jobs-per-day", defaultValue = "0",
            description = "The workload to price (default: as many as bursting sustains).")
    double jobsPerDay;

    @Option(names = "--alarm-gib", defaultValue = "512",
            description = "The burst credit alarm's threshold, EfsBurstCreditAlarmBytes in GiB (default ${DEFAULT-VALUE}).")
    double alarmGib;

    @Override
    public Integer call() {
        Workload workload = new Workload(storedGib, jobGib, jobReadGib, mode, provisionedMibps, concurrency, jobsPerDay,
                alarmGib, 900, 120);
        spec.commandLine().getOut().print(PlanReport.render(new ThroughputPlan(workload), EfsPrices.US_EAST_1));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
