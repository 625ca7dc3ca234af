package dev.efspipe.local.cli;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Lists published datasets the way a container that mounts the access point reads them. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "List published datasets (current version, records, parts) from an EFS directory.")
final class CatalogCommand implements Callable<Integer> {
    @Option(names = "--efs", defaultValue = ".pipeline/efs", description = "The EFS directory (default ${DEFAULT-VALUE}).")
    Path efs;

    @Override
    public Integer call() throws Exception {
        DatasetReader reader = new DatasetReader(efs.toAbsolutePath());
        List<DatasetName> datasets = reader.datasets();
        if (datasets.isEmpty()) {
            System.out.println("No published datasets in " + efs.toAbsolutePath());
            return 0;
        }
        System.out.printf("%-32s %-30s %10s %6s %6s  %s%n", "DATASET", "CURRENT VERSION", "RECORDS", "PARTS", "FILES", "SOURCE");
        for (DatasetName d : datasets) {
            Optional<Version> v = reader.current(d);
            if (v.isEmpty()) {
                continue;
            }
            Manifest m = reader.manifest(d, v.get());
            System.out.printf("%-32s %-30s %10d %6d %6d  %s%n", d, v.get(), m.records(), m.parts().size(), m.files().size(),
                    m.source() == null ? "" : m.source().describe());
        }
        return 0;
    }
}
