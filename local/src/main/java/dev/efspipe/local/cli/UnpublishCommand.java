package dev.efspipe.local.cli;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.publish.AtomicPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Removes a dataset, or one version of it, atomically for readers. */
@Command(name = "unpublish", mixinStandardHelpOptions = true,
        description = "Remove a published dataset (or one --version of it): renamed out of published/ first, then deleted.")
final class UnpublishCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The dataset.")
    String dataset;

    @Option(names = "--version", description = "Only this version (CURRENT moves to the newest remaining one).")
    String version;

    @Option(names = "--efs", defaultValue = ".pipeline/efs", description = "The EFS directory (default ${DEFAULT-VALUE}).")
    Path efs;

    @Override
    public Integer call() throws Exception {
        EfsLayout layout = new EfsLayout(efs.toAbsolutePath());
        DurableFiles files = new DurableFiles(Permissions.DEFAULT);
        AtomicPublisher publisher = new AtomicPublisher(layout, files, new Catalog(layout, files, Duration.ofSeconds(30)),
                Clock.systemUTC());
        DatasetName name = DatasetName.of(dataset);
        Optional<Version> v = Optional.ofNullable(version).map(Version::new);
        if (!publisher.unpublish(name, v, "cli/" + ProcessHandle.current().pid())) {
            System.err.println("Nothing published as " + name + v.map(x -> "/" + x).orElse("") + " in " + layout.root());
            return 1;
        }
        System.out.println("Unpublished " + name + v.map(x -> "/" + x).orElse(" (all versions)"));
        return 0;
    }
}
