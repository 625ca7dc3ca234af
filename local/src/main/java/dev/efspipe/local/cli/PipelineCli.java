package dev.efspipe.local.cli;

import dev.efspipe.config.Settings;
import dev.efspipe.config.TelemetryConfig;
import dev.efspipe.fs.IoErrors;
import dev.efspipe.local.bench.BenchCommand;
import dev.efspipe.logging.Logs;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;

/**
 * {@code ./pipeline}: the local stack and the tools around it. Each subcommand is its own class.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "efspipe 0.1.0",
        description = "Event-driven file processing on Lambda + EFS, run locally.",
        subcommands = {DemoCommand.class, UpCommand.class, ProcessCommand.class, InvokeCommand.class,
                CatalogCommand.class, CatCommand.class, UnpublishCommand.class, PlanCommand.class, PluginCommand.class,
                BenchCommand.class})
public final class PipelineCli {
    /**
     * Bad arguments and I/O failures are reported as one line naming the command and the problem; only an
     * unexpected error (a bug) gets its stack trace.
     */
    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String name = "pipeline " + cmd.getCommandName();
        if (e instanceof IllegalArgumentException) {
            cmd.getErr().println(name + ": " + e.getMessage());
            return 2;
        }
        if (e instanceof IOException io) {
            // In words: why, the path, and for a refused access what is needed and who has it.
            cmd.getErr().println(name + ": " + IoErrors.describe(io));
            return 1;
        }
        cmd.getErr().println(name + ": unexpected error");
        e.printStackTrace(cmd.getErr());
        return 1;
    }

    public static void main(String[] args) {
        // ElasticMQ's jar carries a logback.xml of its own; name ours so logback does not have to choose.
        System.setProperty("logback.configurationFile", "efspipe-logback.xml");
        // One line per record from the start: JSON with AWS_LAMBDA_LOG_FORMAT=JSON (as the functions write in
        // Lambda), plain text otherwise. The functions' own factories configure the same again.
        try {
            Logs.configure(TelemetryConfig.from(Settings.environment(System.getenv()), "pipeline"));
        } catch (IllegalArgumentException e) {
            System.err.println("pipeline: " + e.getMessage());
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line {@link #main} runs, with its error reporting (tests run commands through it). */
    static CommandLine commandLine() {
        return new CommandLine(new PipelineCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(PipelineCli::report);
    }
}
