package dev.efspipe.local.cli;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Prints a dataset's records (its current version's parts, in order) as NDJSON. */
@Command(name = "cat", mixinStandardHelpOptions = true, description = "Print the records of a dataset's current version as NDJSON.")
final class CatCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The dataset.")
    String dataset;

    @Option(names = "--efs", defaultValue = ".pipeline/efs", description = "The EFS directory (default ${DEFAULT-VALUE}).")
    Path efs;

    @Option(names = "--version", description = "A version other than the current one.")
    String version;

    @Override
    public Integer call() throws Exception {
        DatasetReader reader = new DatasetReader(efs.toAbsolutePath());
        DatasetName name = DatasetName.of(dataset);
        Version v = version != null ? new Version(version) : reader.current(name).orElse(null);
        if (v == null) {
            System.err.println("Dataset " + name + " has no published version in " + efs.toAbsolutePath());
            return 1;
        }
        Manifest manifest = reader.manifest(name, v);
        for (Manifest.Part part : manifest.parts()) {
            try (InputStream in = reader.open(name, v, part.name())) {
                in.transferTo(System.out);
            }
        }
        System.out.flush();
        return 0;
    }
}
