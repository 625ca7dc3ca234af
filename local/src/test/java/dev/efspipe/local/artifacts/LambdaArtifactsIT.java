package dev.efspipe.local.artifacts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment zips that {@code mvn package} builds, one per function, in the layout the Lambda Java
 * runtime reads (classes at the top, jars under {@code lib/}), small, and free of the local stack.
 * Runs after packaging (failsafe), where the zips exist.
 */
class LambdaArtifactsIT {
    private static final long MAX_BYTES = 25L * 1024 * 1024;
    private static final List<String> FORBIDDEN = List.of(
            "dev/efspipe/local/", "org/gaul/", "org/elasticmq/", "scala/", "org/apache/pekko/", "org/eclipse/jetty/");
    private static final List<String> FORBIDDEN_JARS = List.of(
            "efspipe-local", "s3proxy", "elasticmq", "scala-", "pekko", "jetty", "netty", "apache-client", "picocli");

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "processor", "api"})
    void zipHasTheHandlerAtTheTopAndItsDependenciesUnderLib(String function) throws IOException {
        try (ZipFile zip = new ZipFile(zipOf(function).toFile())) {
            String handler = "dev/efspipe/" + function + "/" + switch (function) {
                case "ingest" -> "IngestHandler";
                case "processor" -> "ProcessorHandler";
                default -> "ApiHandler";
            } + ".class";
            assertThat(zip.getEntry(handler)).as(handler).isNotNull();
            assertThat(names(zip)).anyMatch(n -> n.matches("lib/efspipe-shared-.*\\.jar"));
            assertThat(names(zip)).filteredOn(n -> n.endsWith(".jar")).allMatch(n -> n.startsWith("lib/"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "processor", "api"})
    void zipIsUnder25MegabytesAndHoldsNothingOfTheLocalStack(String function) throws IOException {
        Path path = zipOf(function);
        assertThat(Files.size(path)).isLessThan(MAX_BYTES);
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (String name : names(zip)) {
                assertThat(FORBIDDEN).noneMatch(name::startsWith);
                if (name.startsWith("lib/")) {
                    String jar = name.substring(4);
                    assertThat(FORBIDDEN_JARS).as(name).noneMatch(jar::startsWith);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void apiZipHoldsTheS3ClientAndNoOtherFunction() throws IOException {
        try (ZipFile zip = new ZipFile(zipOf("api").toFile())) {
            assertThat(names(zip)).noneMatch(n -> n.startsWith("lib/efspipe-ingest") || n.startsWith("lib/efspipe-processor"))
                    .noneMatch(n -> n.startsWith("lib/commons-compress"))
                    .anyMatch(n -> n.matches("lib/s3-.*\\.jar"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "processor", "api"})
    void onlyTheProcessorZipCarriesThePluginContractAndNoZipCarriesAPlugin(String function) throws IOException {
        try (ZipFile zip = new ZipFile(zipOf(function).toFile())) {
            List<String> names = names(zip);
            if (function.equals("processor")) {
                // Plugins are loaded with the spi as their parent's only classes: it must be in the processor's zip.
                assertThat(names).anyMatch(n -> n.matches("lib/efspipe-spi-.*\\.jar"));
            } else {
                assertThat(names).noneMatch(n -> n.startsWith("lib/efspipe-spi"));
            }
            assertThat(names).noneMatch(n -> n.startsWith("com/example/") || n.startsWith("lib/mask-email-plugin"));
        }
    }

    private static Path zipOf(String function) {
        Path root = Path.of(System.getProperty("project.root", ".."));
        Path zip = root.resolve(function).resolve("target").resolve("efspipe-" + function + "-lambda.zip");
        assertThat(zip).as("built by mvn package").exists();
        return zip;
    }

    private static List<String> names(ZipFile zip) {
        return zip.stream().map(ZipEntry::getName).toList();
    }
}
