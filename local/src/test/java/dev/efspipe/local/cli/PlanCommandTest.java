package dev.efspipe.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./pipeline plan} through the command line the launcher runs. */
class PlanCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = PipelineCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsThePlanForTheGivenModeAndConcurrency() {
        int code = run("plan", "--stored-gib", "100", "--job-gib", "10", "--mode", "provisioned",
                "--provisioned-mibps", "20", "--concurrency", "2", "--jobs-per-day", "50");

        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString())
                .contains("100 GiB stored, jobs writing 10 GiB, provisioned mode, 2 at once")
                .contains("provisioned           20.00 MiB/s  (given)")
                .contains("2 at once")
                .contains("Cost a month for 50 jobs a day;")
                .contains("$90.70"); // (20 - 4.88) MiB/s x $6.00
    }

    @Test
    void refusesAnImpossibleValueInOneLineNamingTheOption() {
        int code = run("plan", "--stored-gib", "10", "--job-gib", "1", "--provisioned-mibps", "10");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("pipeline plan: --provisioned-mibps applies to --mode provisioned only (mode is BURSTING)");
    }

    @Test
    void requiresTheStoredAndJobSizes() {
        assertThat(run("plan", "--job-gib", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--stored-gib=<storedGib>'");
    }
}
