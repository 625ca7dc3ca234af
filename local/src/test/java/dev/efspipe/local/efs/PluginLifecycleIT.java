package dev.efspipe.local.efs;

import dev.efspipe.job.FailureRecord;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.plugin.PluginStore;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plugins through the packaged tool, as a person uses them: the example project's jar published onto an EFS
 * directory, applied by {@code ./pipeline process} in a separate JVM, then a second version (the example's
 * code with one change, built the same way) published and applied to the next job; each dataset's manifest
 * names the version and the jar's SHA-256 that produced it.
 */
class PluginLifecycleIT {
    private static final String CUSTOMERS = "[{\"id\":1,\"email\":\"alice@example.com\"},{\"id\":2,\"email\":\"bob@example.org\"}]";

    @TempDir
    Path efs;
    @TempDir
    Path work;

    private record Run(int exit, String output) {}

    private Run cli(Map<String, String> env, String... args) throws Exception {
        Path log = Files.createTempFile(work, "cli", ".log");
        Process p = ChildJvm.cli(log, env, List.of(), args);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("pipeline %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(log));
    }

    private Run cli(String... args) throws Exception {
        return cli(Map.of(), args);
    }

    private static Path exampleJar() {
        return PluginJars.example();
    }

    /** The example's code with one change, the mask character: the plugin's next release. */
    private Path exampleVersionTwo() throws IOException {
        return PluginJars.exampleWithMask(work.resolve("mask-email-2.jar"), '#');
    }

    private List<String> records(String dataset) throws IOException {
        DatasetReader reader = new DatasetReader(efs);
        Version v = reader.current(DatasetName.of(dataset)).orElseThrow();
        List<String> lines = new ArrayList<>();
        for (Manifest.Part part : reader.manifest(DatasetName.of(dataset), v).parts()) {
            try (InputStream in = reader.open(DatasetName.of(dataset), v, part.name())) {
                lines.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            }
        }
        return lines;
    }

    private Lineage.Transform lineage(String dataset) throws IOException {
        DatasetReader reader = new DatasetReader(efs);
        Manifest m = reader.manifest(DatasetName.of(dataset), reader.current(DatasetName.of(dataset)).orElseThrow());
        return m.lineage().transforms().get(0);
    }

    private Version current() throws IOException {
        return Version.isValid(Files.readString(efs.resolve("plugins/mask-email/CURRENT")).trim())
                ? new Version(Files.readString(efs.resolve("plugins/mask-email/CURRENT")).trim()) : null;
    }

    @Test
    void theExamplePluginIsPublishedAppliedAndItsSecondVersionAppliedToTheNextJob() throws Exception {
        Path v1Jar = exampleJar();
        Run published = cli("plugin", "publish", "mask-email", v1Jar.toString(), "--efs", efs.toString());
        assertThat(published.exit()).as(published.output()).isZero();
        Version v1 = current();
        assertThat(published.output()).contains("Published mask-email " + v1);

        Run first = cli("process", Files.writeString(work.resolve("customers-a.json"), CUSTOMERS).toString(), "--efs", efs.toString(),
                "--transform", "mask-email");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("transform mask-email@" + v1);
        assertThat(records("customers-a")).containsExactly("{\"id\":1,\"email\":\"a****@example.com\"}",
                "{\"id\":2,\"email\":\"b**@example.org\"}");
        assertThat(lineage("customers-a").version()).isEqualTo(v1.value());
        assertThat(lineage("customers-a").sha256()).isEqualTo(PluginStore.sha256Hex(v1Jar));

        Path v2Jar = exampleVersionTwo();
        Run second = cli("plugin", "publish", "mask-email", v2Jar.toString(), "--efs", efs.toString());
        assertThat(second.exit()).as(second.output()).isZero();
        Version v2 = current();
        assertThat(v2).isGreaterThan(v1);
        Run list = cli("plugin", "list", "--efs", efs.toString());
        assertThat(list.output()).containsPattern("mask-email\\s+" + v1 + "\\s+ ")
                .containsPattern("mask-email\\s+" + v2 + "\\s+\\*");

        Run next = cli("process", Files.writeString(work.resolve("customers-b.json"), CUSTOMERS).toString(), "--efs", efs.toString(),
                "--transform", "mask-email");
        assertThat(next.exit()).as(next.output()).isZero();
        assertThat(records("customers-b")).containsExactly("{\"id\":1,\"email\":\"a####@example.com\"}",
                "{\"id\":2,\"email\":\"b##@example.org\"}");
        assertThat(lineage("customers-b").version()).isEqualTo(v2.value());
        assertThat(lineage("customers-b").sha256()).isEqualTo(PluginStore.sha256Hex(v2Jar)).isNotEqualTo(PluginStore.sha256Hex(v1Jar));
        assertThat(lineage("customers-a").version()).as("a published version never changes").isEqualTo(v1.value());

        // Chosen by PIPELINE_TRANSFORMS for the file's name, with an option; no --transform.
        Run byPrefix = cli(Map.of("PIPELINE_TRANSFORMS", "customers-=mask-email(keep=2)"), "process",
                Files.writeString(work.resolve("customers-c.json"), CUSTOMERS).toString(), "--efs", efs.toString());
        assertThat(byPrefix.exit()).as(byPrefix.output()).isZero();
        assertThat(records("customers-c")).containsExactly("{\"id\":1,\"email\":\"al###@example.com\"}",
                "{\"id\":2,\"email\":\"bo#@example.org\"}");

        Run unpublished = cli("plugin", "unpublish", "mask-email", "--version", v2.value(), "--efs", efs.toString());
        assertThat(unpublished.exit()).as(unpublished.output()).isZero();
        assertThat(current()).isEqualTo(v1);
        assertThat(efs.resolve("plugins/mask-email").resolve(v2.value())).doesNotExist();
    }

    @Test
    void aPluginThatThrowsFailsTheJobNamingItAndTheRecordAndNothingIsPublished() throws Exception {
        Path jar = PluginJars.transform(work.resolve("explode.jar"), "Explode", "explode",
                "if (new String(record, StandardCharsets.UTF_8).contains(\"bob\")) throw new IllegalStateException(\"no bobs\"); return record;");
        assertThat(cli("plugin", "publish", "explode", jar.toString(), "--efs", efs.toString()).exit()).isZero();
        String version = Files.readString(efs.resolve("plugins/explode/CURRENT")).trim();

        Run run = cli("process", Files.writeString(work.resolve("people.json"), CUSTOMERS).toString(), "--efs", efs.toString(),
                "--transform", "explode");

        assertFailedWithNothingPublished(run, "Transform 'explode@" + version
                + "' threw java.lang.IllegalStateException: no bobs (record 1 of people.json)");
    }

    @Test
    void aPluginThatReturnsInvalidJsonFailsTheJobNamingItAndTheRecordAndNothingIsPublished() throws Exception {
        Path jar = PluginJars.transform(work.resolve("truncate.jar"), "Truncate", "truncate",
                "return new String(record, StandardCharsets.UTF_8).contains(\"bob\") ? \"{\\\"id\\\":\".getBytes(StandardCharsets.UTF_8) : record;");
        assertThat(cli("plugin", "publish", "truncate", jar.toString(), "--efs", efs.toString()).exit()).isZero();
        String version = Files.readString(efs.resolve("plugins/truncate/CURRENT")).trim();

        Run run = cli("process", Files.writeString(work.resolve("people.json"), CUSTOMERS).toString(), "--efs", efs.toString(),
                "--transform", "truncate");

        String reason = assertFailedWithNothingPublished(run, "Transform 'truncate@" + version + "' returned invalid JSON: ");
        assertThat(reason).endsWith(" (record 1 of people.json)");
    }

    /** The run failed permanently with {@code reason} (exit 2, the failure record), and left no dataset and no staging. */
    private String assertFailedWithNothingPublished(Run run, String reason) throws IOException {
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains(reason);
        assertThat(new EfsLayout(efs).dataset(DatasetName.of("people"))).doesNotExist();
        FailureRecord failure;
        try (Stream<Path> failed = Files.walk(new EfsLayout(efs).failedDir())) {
            List<Path> records = failed.filter(Files::isRegularFile).toList();
            assertThat(records).hasSize(1);
            failure = Json.MAPPER.readValue(records.get(0).toFile(), FailureRecord.class);
        }
        assertThat(failure.reason()).startsWith(reason);
        try (Stream<Path> staging = Files.list(new EfsLayout(efs).stagingDir())) {
            assertThat(staging).isEmpty();
        }
        return failure.reason();
    }

    @Test
    void publishRefusesAJarThatDoesNotProvideTheNameOrABuiltInName() throws Exception {
        Path jar = exampleJar();

        Run wrongName = cli("plugin", "publish", "masker", jar.toString(), "--efs", efs.toString());
        Run builtIn = cli("plugin", "publish", "lookup", jar.toString(), "--efs", efs.toString());
        Run empty = cli("plugin", "publish", "empty", PluginJars.build(work.resolve("nothing.jar"), Map.of(), Map.of()).toString(),
                "--efs", efs.toString());

        assertThat(wrongName.exit()).isEqualTo(2);
        assertThat(wrongName.output()).contains("provides transforms named [mask-email], not 'masker'");
        assertThat(builtIn.exit()).isEqualTo(2);
        assertThat(builtIn.output()).contains("'lookup' is a built-in transform");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.output()).contains("provides no transform");
        assertThat(new PluginStore(new EfsLayout(efs), null, null, null).names()).isEmpty();
    }
}
