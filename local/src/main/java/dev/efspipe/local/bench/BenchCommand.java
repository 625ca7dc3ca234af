package dev.efspipe.local.bench;

import picocli.CommandLine.Command;

/** {@code ./pipeline bench …}: measurements that need a real machine, not tests (tests never assert a time). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: compare the processor with native tools on generated inputs.",
        subcommands = {UnzipBenchCommand.class, JsonBenchCommand.class, ColdStartCommand.class, E2eBenchCommand.class})
public final class BenchCommand {
}
