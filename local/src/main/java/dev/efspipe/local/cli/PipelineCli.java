package dev.efspipe.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./pipeline}: the local stack and the tools around it. Each subcommand is its own class.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "efspipe 0.1.0",
        description = "Event-driven file processing on Lambda + EFS, run locally.",
        subcommands = {DemoCommand.class, UpCommand.class, ProcessCommand.class, InvokeCommand.class,
                CatalogCommand.class, CatCommand.class, UnpublishCommand.class,
                dev.efspipe.local.bench.ColdStartCommand.class, dev.efspipe.local.bench.JsonBenchCommand.class})
public final class PipelineCli {
    public static void main(String[] args) {
        // ElasticMQ's jar carries a logback.xml of its own; name ours so logback does not have to choose.
        System.setProperty("logback.configurationFile", "efspipe-logback.xml");
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$-7s %3$s: %5$s%6$s%n");
        int code = new CommandLine(new PipelineCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
