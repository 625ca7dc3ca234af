package dev.efspipe.local.cli;

import dev.efspipe.local.stack.LocalFunctions;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.local.stack.StackInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Feeds one event JSON to a handler, as {@code sam local invoke -e} does, and prints its response. */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = "Invoke the ingest, processor or api handler once with an event JSON file and print the response JSON.")
final class InvokeCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "ingest, processor or api (an HTTP API payload 2.0 event)")
    String function;

    @Option(names = "--event", required = true, description = "The event JSON, as Lambda delivers it.")
    Path event;

    @Option(names = "--data", defaultValue = ".pipeline", description = "Data directory of a running './pipeline up' (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--efs", description = "EFS directory of the ephemeral stack used when none is running.")
    Path efs;

    @Override
    public Integer call() throws Exception {
        if (!function.equals("ingest") && !function.equals("processor") && !function.equals("api")) {
            System.err.println("Unknown function '" + function + "': use ingest, processor or api");
            return 2;
        }
        String json = Files.readString(event, StandardCharsets.UTF_8);
        Optional<StackInfo> running = StackConsole.running(data.toAbsolutePath());
        if (running.isPresent()) {
            System.err.println("Using the local stack running with " + data.toAbsolutePath());
            try (LocalFunctions functions = LocalFunctions.connect(running.get(), LocalStack.Options.ephemeral(data))) {
                System.out.println(functions.get(function).invoke(json));
            }
            return 0;
        }
        Path dir = Files.createTempDirectory("pipeline-invoke-");
        LocalStack.Options options = LocalStack.Options.ephemeral(dir).withPollers(false);
        if (efs != null) {
            options = options.withEfsDir(efs.toAbsolutePath());
        }
        System.err.println("No local stack is running; using an ephemeral one in " + dir + " (EFS " + options.efsDir() + ")");
        try (LocalStack stack = LocalStack.start(options)) {
            System.out.println(stack.functions().get(function).invoke(json));
        }
        return 0;
    }
}
