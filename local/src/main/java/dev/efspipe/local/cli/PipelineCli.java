package dev.efspipe.local.cli;

import dev.efspipe.config.Settings;
import dev.efspipe.config.TelemetryConfig;
import dev.efspipe.fs.IoErrors;
import dev.efspipe.local.bench.BenchCommand;
import dev.efspipe.logging.Logs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Optional;

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
    private static int report(Exception e, String command, PrintWriter err) {
        String name = "pipeline " + command;
        if (e instanceof IllegalArgumentException) {
            err.println(name + ": " + e.getMessage());
            return 2;
        }
        if (e instanceof IOException io) {
            // In words: why, the path, and for a refused access what is needed and who has it.
            err.println(name + ": " + IoErrors.describe(io));
            return 1;
        }
        err.println(name + ": unexpected error");
        e.printStackTrace(err);
        return 1;
    }

    /** The whole command line as {@link #main} runs it, with its error reporting (tests run commands through it). */
    static CommandLine commandLine() {
        return configured(new CommandLine(new PipelineCli()));
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
        Optional<ProcessCommand> plain = ProcessCommand.plain(args);
        if (plain.isPresent()) {
            int code;
            try {
                code = plain.get().call();
            } catch (Exception e) {
                code = report(e, "process", new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true));
            }
            System.exit(code);
        }
        System.exit(commandLine(args).execute(args));
    }

    /**
     * The command tree for these arguments. {@code process} is the command a person waits for (and the one the
     * benchmarks time), so it is built alone under a bare {@code pipeline}: picocli then does not introspect the
     * other commands (the local stack, the benchmarks) on every run, a fifth of the command's start-up.
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0 && args[0].equals("process")) {
            CommandLine top = new CommandLine(CommandSpec.create().name("pipeline"));
            top.addSubcommand("process", new ProcessCommand());
            return configured(top);
        }
        return commandLine();
    }

    private static CommandLine configured(CommandLine cmd) {
        return cmd.setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, c, parsed) -> report(e, c.getCommandName(), c.getErr()));
    }
}
