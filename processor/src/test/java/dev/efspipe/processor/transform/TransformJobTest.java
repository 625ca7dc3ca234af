package dev.efspipe.processor.transform;

import dev.efspipe.config.Permissions;
import dev.efspipe.config.Settings;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.FailureRecord;
import dev.efspipe.job.Job;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.plugin.PluginMetadata;
import dev.efspipe.plugin.PluginStore;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.config.TransformRules;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonLimits;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import dev.efspipe.processor.run.SuspendCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Record transforms end to end through the job processor: published plugins, versions, lineage, failures. */
class TransformJobTest {
    private static final DatasetName ORDERS = DatasetName.of("orders");

    @TempDir
    Path efs;
    @TempDir
    Path work;
    @TempDir
    Path local;

    private PluginStore store;
    private Transforms transforms;
    private JobProcessor processor;
    private Instant clock = Instant.parse("2026-11-26T06:00:00Z");

    @BeforeEach
    void setUp() {
        store = new PluginStore(new EfsLayout(efs), new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(5), Clock.systemUTC());
        processorWith(TransformRules.NONE, 1 << 20);
    }

    private void processorWith(TransformRules rules, long partBytes) {
        transforms = new Transforms(efs, rules, JsonLimits.DEFAULTS, local);
        processor = new JobProcessor(ProcessorConfig.forEfsRoot(efs).withPartMaxBytes(partBytes), transforms, Clock.systemUTC());
    }

    private PluginMetadata publish(String name, String cls, String source) throws IOException {
        Path jar = TestPlugins.jar(work.resolve(cls + "-" + System.nanoTime() + ".jar"), Map.of("plugins." + cls, source), "plugins." + cls);
        return store.publish(PluginName.of(name), jar, jar.getFileName().toString(), PluginLoader.transformNames(jar), "test").metadata();
    }

    private Path upload(String name, String content) throws IOException {
        return Files.writeString(work.resolve(name), content);
    }

    private JobOutcome run(Path file, List<TransformSpec> chosen) throws IOException {
        return run(file, chosen, written -> false);
    }

    private JobOutcome run(Path file, List<TransformSpec> chosen, SuspendCheck budget) throws IOException {
        clock = clock.plusSeconds(60);
        Job job = Job.of(UploadSource.file(file.getFileName().toString(), "t" + Files.size(file), Files.size(file)),
                ORDERS, clock).withTransforms(chosen);
        return processor.run(job, new FileInputSource(file), "test", budget);
    }

    private List<String> records(Manifest m) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Manifest.Part p : m.parts()) {
            lines.addAll(Files.readAllLines(new EfsLayout(efs).version(m.dataset(), m.version()).resolve(p.name())));
        }
        return lines;
    }

    private static List<TransformSpec> chain(String text) {
        return TransformSpec.parseChain(text);
    }

    @Test
    void aPublishedPluginTransformsEveryRecordAndTheManifestNamesItsVersionAndSha() throws IOException {
        PluginMetadata v1 = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));

        JobOutcome outcome = run(upload("a.json", "[{\"id\":1},{\"id\":2}]"), chain("tag"));

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(records(outcome.manifest())).containsExactly("{\"v\":\"one\",\"r\":{\"id\":1}}", "{\"v\":\"one\",\"r\":{\"id\":2}}");
        Lineage lineage = outcome.manifest().lineage();
        assertThat(lineage.transforms()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("tag");
            assertThat(t.kind()).isEqualTo(Lineage.PLUGIN);
            assertThat(t.version()).isEqualTo(v1.version());
            assertThat(t.sha256()).isEqualTo(v1.sha256()).isEqualTo(PluginStore.sha256Hex(store.jar(PluginName.of("tag"),
                    new Version(v1.version()))));
        });
        assertThat(lineage.recordsIn()).isEqualTo(2);
        assertThat(lineage.recordsDropped()).isZero();
        Manifest onDisk = Json.MAPPER.readValue(new EfsLayout(efs).version(ORDERS, outcome.manifest().version())
                .resolve(EfsLayout.MANIFEST).toFile(), Manifest.class);
        assertThat(onDisk.lineage()).isEqualTo(lineage);
    }

    @Test
    void aNewerVersionIsUsedFromTheNextJobOnAndTheOlderOneIsUnloaded() throws IOException {
        PluginMetadata v1 = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        JobOutcome first = run(upload("a.json", "[{\"id\":1}]"), chain("tag"));
        PluginMetadata v2 = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "two"));

        JobOutcome second = run(upload("b.json", "[{\"id\":2}]"), chain("tag"));

        assertThat(records(first.manifest())).containsExactly("{\"v\":\"one\",\"r\":{\"id\":1}}");
        assertThat(records(second.manifest())).containsExactly("{\"v\":\"two\",\"r\":{\"id\":2}}");
        assertThat(first.manifest().lineage().transforms().get(0).version()).isEqualTo(v1.version());
        assertThat(second.manifest().lineage().transforms().get(0).version()).isEqualTo(v2.version());
        assertThat(second.manifest().lineage().transforms().get(0).sha256()).isEqualTo(v2.sha256()).isNotEqualTo(v1.sha256());
        assertThat(transforms.plugins().loadedVersions()).containsExactly("tag@" + v2.version());
    }

    @Test
    void aVersionPublishedWhileAJobRunsIsNotUsedByItButByTheNextJob() throws IOException {
        processorWith(TransformRules.NONE, 1024);
        PluginMetadata v1 = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        Path input = upload("big.json", "[" + String.join(",", Collections.nCopies(400, "{\"id\":12345}")) + "]");
        List<PluginMetadata> publishedMidJob = new ArrayList<>();
        // The budget check runs at each closed part, in the middle of the job: publish v2 there, once, and go on.
        SuspendCheck publishAfterTheFirstPart = written -> {
            if (written > 0 && publishedMidJob.isEmpty()) {
                try {
                    publishedMidJob.add(publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "two")));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return false;
        };

        JobOutcome running = run(input, chain("tag"), publishAfterTheFirstPart);
        JobOutcome next = run(upload("next.json", "[{\"id\":1}]"), chain("tag"));

        assertThat(publishedMidJob).as("v2 was published while the job ran").hasSize(1);
        assertThat(running.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(running.manifest().parts()).hasSizeGreaterThan(2);
        assertThat(records(running.manifest())).hasSize(400).allMatch(r -> r.startsWith("{\"v\":\"one\""));
        assertThat(running.manifest().lineage().transforms().get(0).version()).isEqualTo(v1.version());
        assertThat(records(next.manifest())).containsExactly("{\"v\":\"two\",\"r\":{\"id\":1}}");
        assertThat(next.manifest().lineage().transforms().get(0).version()).isEqualTo(publishedMidJob.get(0).version());
    }

    @Test
    void theProcessorOnlyReadsPluginsAndWritesNothingThere() throws IOException {
        publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        Map<String, String> before = tree(new EfsLayout(efs).pluginsDir());

        JobOutcome first = run(upload("a.json", "[1]"), chain("tag"));
        JobOutcome failed = run(upload("b.json", "[2]"), chain("tag|nope"));

        assertThat(first.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(failed.status()).isEqualTo(JobOutcome.Status.FAILED);
        assertThat(tree(new EfsLayout(efs).pluginsDir())).as("plugins/ after two jobs").isEqualTo(before);
    }

    /** Every path under {@code dir} with its size and modification time. */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                entries.put(dir.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return entries;
    }

    @Test
    void aPluginIsLoadedOnceAndKeptFromJobToJob() throws IOException {
        // A static counter lives in the plugin's class loader: it counts on only if that loader is kept.
        publish("count", "Count", TestPlugins.transform("Count", "count",
                "return (\"{\\\"job\\\":\" + JOBS.get() + \"}\").getBytes(StandardCharsets.UTF_8);",
                """
                static final java.util.concurrent.atomic.AtomicInteger JOBS = new java.util.concurrent.atomic.AtomicInteger();
                public void open(dev.efspipe.spi.TransformContext c) { JOBS.incrementAndGet(); }
                """));

        JobOutcome first = run(upload("a.json", "[1]"), chain("count"));
        JobOutcome second = run(upload("b.json", "[2]"), chain("count"));

        assertThat(records(first.manifest())).containsExactly("{\"job\":1}");
        assertThat(records(second.manifest())).containsExactly("{\"job\":2}");
    }

    @Test
    void aContinuationKeepsTheVersionItBeganWithWhenANewerOneIsPublished() throws IOException {
        processorWith(TransformRules.NONE, 1024);
        publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        Path input = upload("big.json", "[" + String.join(",", Collections.nCopies(400, "{\"id\":12345}")) + "]");
        Job job = Job.of(UploadSource.file("big.json", "t", Files.size(input)), ORDERS, clock)
                .withTransforms(chain("tag"));

        JobOutcome suspended = processor.run(job, new FileInputSource(input), "first", written -> written >= 2048);
        publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "two"));
        JobOutcome done = processor.run(job, new FileInputSource(input), "second", written -> false);

        assertThat(suspended.status()).isEqualTo(JobOutcome.Status.SUSPENDED);
        assertThat(done.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(done.manifest().invocations()).isEqualTo(2);
        assertThat(records(done.manifest())).hasSize(400).allMatch(r -> r.startsWith("{\"v\":\"one\""));
        assertThat(done.manifest().lineage().transforms().get(0).version()).isEqualTo(store.versions(PluginName.of("tag")).get(0).value());
    }

    @Test
    void aContinuationWhoseVersionWasUnpublishedStartsOverWithTheCurrentOne() throws IOException {
        processorWith(TransformRules.NONE, 1024);
        PluginMetadata v1 = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        Path input = upload("big.json", "[" + String.join(",", Collections.nCopies(400, "{\"id\":12345}")) + "]");
        Job job = Job.of(UploadSource.file("big.json", "t", Files.size(input)), ORDERS, clock)
                .withTransforms(chain("tag"));

        assertThat(processor.run(job, new FileInputSource(input), "first", written -> written >= 2048).status())
                .isEqualTo(JobOutcome.Status.SUSPENDED);
        PluginMetadata v2 = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "two"));
        store.unpublish(PluginName.of("tag"), Optional.of(new Version(v1.version())));
        JobOutcome done = processor.run(job, new FileInputSource(input), "second", written -> false);

        assertThat(done.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(records(done.manifest())).hasSize(400).allMatch(r -> r.startsWith("{\"v\":\"two\""));
        assertThat(done.manifest().lineage().transforms().get(0).version()).isEqualTo(v2.version());
    }

    @Test
    void aPluginThatThrowsFailsTheJobNamingItsVersionAndTheRecord() throws IOException {
        PluginMetadata v = publish("boom", "Boom", TestPlugins.transform("Boom", "boom", """
                if (new String(record, StandardCharsets.UTF_8).contains("3")) throw new IllegalStateException("cannot mask record three");
                return record;""", ""));

        JobOutcome outcome = run(upload("a.json", "[{\"id\":1},{\"id\":2},{\"id\":3},{\"id\":4}]"), chain("boom"));

        assertFailedWithNothingPublished(outcome, "Transform 'boom@" + v.version() + "' threw java.lang.IllegalStateException: "
                + "cannot mask record three (record 2 of a.json)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON         | return \"{\\\"a\\\":\".getBytes(StandardCharsets.UTF_8);                | returned invalid JSON",
            "two values       | return \"{} {}\".getBytes(StandardCharsets.UTF_8);                     | content after the JSON value",
            "a duplicate key  | return \"{\\\"a\\\":1,\\\"a\\\":2}\".getBytes(StandardCharsets.UTF_8);     | Duplicate field 'a'",
            "nothing          | return new byte[] {' '};                                              | no JSON value",
            "bad UTF-8        | return new byte[] {'\"', (byte) 0xC3, '\"'};                          | returned invalid JSON"})
    void aPluginReturningSomethingOtherThanOneJsonValueFailsTheJob(String what, String body, String expected) throws IOException {
        PluginMetadata v = publish("bad", "Bad", TestPlugins.transform("Bad", "bad", body, ""));

        JobOutcome outcome = run(upload("a.json", "[{\"id\":1},{\"id\":2}]"), chain("bad"));

        assertFailedWithNothingPublished(outcome, "Transform 'bad@" + v.version() + "' ");
        assertThat(outcome.detail()).contains(expected).contains("(record 0 of a.json)");
    }

    @Test
    void theTransformThatBrokeARecordIsNamedInAChain() throws IOException {
        publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        PluginMetadata bad = publish("bad", "Bad", TestPlugins.transform("Bad", "bad", "return \"[\".getBytes();", ""));

        JobOutcome outcome = run(upload("a.json", "[{\"id\":1}]"), chain("tag|bad"));

        assertFailedWithNothingPublished(outcome, "Transform 'bad@" + bad.version() + "' returned invalid JSON");
    }

    @Test
    void anUnknownTransformFailsTheJob() throws IOException {
        JobOutcome outcome = run(upload("a.json", "[1]"), chain("nope"));

        assertFailedWithNothingPublished(outcome, "Transform 'nope' is neither built in [lookup] nor a published plugin");
    }

    @Test
    void aJarThatDoesNotProvideTheChosenNameFailsTheJob() throws IOException {
        Path jar = TestPlugins.jar(work.resolve("other.jar"), Map.of("plugins.Other", TestPlugins.tagging("Other", "other", "x")), "plugins.Other");
        PluginMetadata m = store.publish(PluginName.of("mine"), jar, "other.jar", List.of("other"), "test").metadata();

        JobOutcome outcome = run(upload("a.json", "[1]"), chain("mine"));

        assertFailedWithNothingPublished(outcome, "Plugin mine@" + m.version() + " provides no transform named 'mine'");
        assertThat(outcome.detail()).contains("[other]");
    }

    @Test
    void aJarChangedAfterItWasPublishedIsRefused() throws IOException {
        PluginMetadata m = publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        Path jar = store.jar(PluginName.of("tag"), new Version(m.version()));
        Files.write(jar, new byte[] {1}, StandardOpenOption.APPEND);

        JobOutcome outcome = run(upload("a.json", "[1]"), chain("tag"));

        assertFailedWithNothingPublished(outcome, "but it was published with " + m.sha256());
    }

    @Test
    void aPluginRefusingItsOptionsFailsTheJob() throws IOException {
        publish("needy", "Needy", TestPlugins.transform("Needy", "needy", "return record;",
                "public void open(dev.efspipe.spi.TransformContext c) { c.option(\"field\"); }"));

        JobOutcome outcome = run(upload("a.json", "[1]"), chain("needy(other=1)"));

        assertFailedWithNothingPublished(outcome, "Transform 'needy@");
        assertThat(outcome.detail()).contains("needs the option field");
    }

    @Test
    void droppedRecordsAreCountedAndNoEmptyPartIsPublished() throws IOException {
        processorWith(TransformRules.NONE, 1024);
        publish("evens", "Evens", TestPlugins.transform("Evens", "evens", """
                String s = new String(record, StandardCharsets.UTF_8);
                return s.contains("\\"odd\\"") ? null : record;""", ""));
        StringBuilder doc = new StringBuilder("[");
        for (int i = 0; i < 300; i++) {
            // Records 100-199 all odd: a whole part's worth dropped in a row.
            boolean odd = i >= 100 && i < 200 || i % 2 == 1;
            doc.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"kind\":\"").append(odd ? "odd" : "even").append("\"}");
        }
        JobOutcome outcome = run(upload("a.json", doc.append("]").toString()), chain("evens"));

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        Manifest m = outcome.manifest();
        assertThat(m.records()).isEqualTo(100);
        assertThat(records(m)).hasSize(100).allMatch(r -> r.contains("\"even\""));
        assertThat(m.parts()).allMatch(p -> p.records() > 0);
        assertThat(m.lineage().recordsIn()).isEqualTo(300);
        assertThat(m.lineage().recordsDropped()).isEqualTo(200);
        for (int i = 0; i < m.parts().size(); i++) {
            assertThat(m.parts().get(i).name()).isEqualTo(String.format("parts/part-%05d.ndjson", i));
        }
    }

    @Test
    void aResultOnSeveralLinesIsWrittenOnOneAndTheFieldSummaryDescribesWhatWasWritten() throws IOException {
        publish("pretty", "Pretty", TestPlugins.transform("Pretty", "pretty",
                "return \"{\\r\\n  \\\"masked\\\": true,\\n  \\\"n\\\": [1,\\n2]\\n}\\n\".getBytes(StandardCharsets.UTF_8);", ""));

        JobOutcome outcome = run(upload("a.json", "[{\"email\":\"a@b\"}]"), chain("pretty"));

        assertThat(records(outcome.manifest())).containsExactly("{  \"masked\": true,  \"n\": [1,2]}");
        assertThat(outcome.manifest().fields().paths()).extracting(Manifest.Field::path).containsExactly("masked", "n", "n[]");
    }

    @Test
    void pluginsSeeTheSpiAndTheirOwnClassesButNothingOfTheProcessor() throws IOException {
        // The plugin brings its own class named like one of the processor's (dev.efspipe.json.Json): it gets its own.
        String json = """
                package dev.efspipe.json;
                public final class Json { public static String who() { return "the plugin's"; } }
                """;
        String probe = TestPlugins.transform("Probe", "probe", """
                boolean sees;
                try { Class.forName("dev.efspipe.processor.run.JobProcessor"); sees = true; } catch (ClassNotFoundException e) { sees = false; }
                boolean jackson;
                try { Class.forName("com.fasterxml.jackson.core.JsonFactory"); jackson = true; } catch (ClassNotFoundException e) { jackson = false; }
                return ("{\\"processor\\":" + sees + ",\\"jackson\\":" + jackson + ",\\"json\\":\\"" + dev.efspipe.json.Json.who()
                        + "\\",\\"context\\":" + (Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()) + "}")
                        .getBytes(StandardCharsets.UTF_8);""", "");
        Path jar = TestPlugins.jar(work.resolve("probe.jar"), Map.of("plugins.Probe", probe, "dev.efspipe.json.Json", json), "plugins.Probe");
        store.publish(PluginName.of("probe"), jar, "probe.jar", List.of("probe"), "test");

        JobOutcome outcome = run(upload("a.json", "[1]"), chain("probe"));

        assertThat(records(outcome.manifest()))
                .containsExactly("{\"processor\":false,\"jackson\":false,\"json\":\"the plugin's\",\"context\":true}");
    }

    @Test
    void transformsAreChosenByKeyPrefixUnlessTheJobChoseItsOwn() throws IOException {
        publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        processorWith(TransformRules.from(Settings.environment(Map.of(TransformRules.TRANSFORMS, "ord=tag,orders-raw="))), 1 << 20);

        assertThat(records(run(upload("orders.json", "[1]"), null).manifest())).containsExactly("{\"v\":\"one\",\"r\":1}");
        assertThat(records(run(upload("orders-raw.json", "[2]"), null).manifest())).containsExactly("2");
        assertThat(records(run(upload("other.json", "[3]"), null).manifest())).containsExactly("3");
        assertThat(records(run(upload("orders2.json", "[4]"), List.of()).manifest())).containsExactly("4");
        assertThat(run(upload("orders3.json", "[5]"), List.of()).manifest().lineage()).isNull();
    }

    @Test
    void aLocalFilesTransformsAreChosenByItsFileNameNotItsDirectory() throws IOException {
        publish("tag", "Tag", TestPlugins.tagging("Tag", "tag", "one"));
        processorWith(TransformRules.from(Settings.environment(Map.of(TransformRules.TRANSFORMS, "ord=tag"))), 1 << 20);
        Path file = upload("orders.json", "[1]");
        Job job = Job.of(UploadSource.file(file.toAbsolutePath().toString(), "t", Files.size(file)), ORDERS, clock);

        JobOutcome outcome = processor.run(job, new FileInputSource(file), "test");

        assertThat(records(outcome.manifest())).containsExactly("{\"v\":\"one\",\"r\":1}");
    }

    private void assertFailedWithNothingPublished(JobOutcome outcome, String reason) throws IOException {
        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.FAILED);
        assertThat(outcome.detail()).contains(reason);
        EfsLayout layout = new EfsLayout(efs);
        assertThat(layout.dataset(ORDERS)).doesNotExist();
        try (Stream<Path> staging = Files.list(layout.stagingDir())) {
            assertThat(staging).isEmpty();
        }
        FailureRecord failure = Json.MAPPER.readValue(layout.failedRecord(outcome.jobId()).toFile(), FailureRecord.class);
        assertThat(failure.reason()).contains(reason);
        if (Files.exists(layout.catalogJournal())) {
            assertThat(Files.readString(layout.catalogJournal(), StandardCharsets.UTF_8)).doesNotContain("orders");
        }
    }
}
