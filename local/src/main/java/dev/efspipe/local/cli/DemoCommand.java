package dev.efspipe.local.cli;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.local.stack.StackInfo;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Starts the stack, uploads a generated zip through the S3 API, waits for its dataset, prints it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline once: start the local stack, upload a generated zip, wait until it is published.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "1000", description = "Records in the generated JSON (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--data", description = "Data directory for this run (default: a new one under .pipeline/demo/).")
    Path data;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the dataset (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : Path.of(".pipeline", "demo",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
        Files.createDirectories(dir);
        try (LocalStack stack = LocalStack.start(LocalStack.Options.ephemeral(dir.toAbsolutePath()))) {
            StackInfo info = stack.info();
            StackConsole.printInfo(info, System.out);

            Path zip = DemoArchive.write(dir.resolve("demo-orders.zip"), records, 42);
            String key = "uploads/demo-orders.zip";
            System.out.printf("%nUploading %s (%d bytes, %d records) to s3://%s/%s%n", zip, Files.size(zip), records, info.bucket(), key);
            stack.s3().putObject(b -> b.bucket(info.bucket()).key(key), zip);

            DatasetName dataset = DatasetName.fromObjectKey(key);
            DatasetReader reader = new DatasetReader(info.efsDir());
            Optional<Version> version = reader.awaitNewVersion(dataset, Optional.empty(),
                    Duration.ofSeconds(timeoutSeconds), Duration.ofMillis(50));
            if (version.isEmpty()) {
                System.err.printf("The dataset %s was not published within %d s. Failed jobs: %s%n", dataset,
                        timeoutSeconds, new EfsLayout(info.efsDir()).failedDir());
                return 1;
            }
            Manifest manifest = reader.manifest(dataset, version.get());
            Catalog catalog = new Catalog(new EfsLayout(info.efsDir()), new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(30));
            CatalogEntry entry = catalog.entries().stream()
                    .filter(e -> e.dataset().equals(dataset.value()) && e.version().equals(version.get().value()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("published but not in the catalog"));
            System.out.printf("%nPublished. Catalog entry:%n");
            StackConsole.printManifest(entry, manifest, System.out);
            if (manifest.records() != records) {
                System.err.printf("Expected %d records, the manifest says %d%n", records, manifest.records());
                return 1;
            }
            System.out.printf("%nRecords match the upload (%d). Read it as a container would:%n  ./pipeline catalog --efs %s%n"
                    + "  ./pipeline cat %s --efs %s | head%n", records, info.efsDir(), dataset, info.efsDir());
            return 0;
        }
    }
}
