package dev.efspipe.local.efs;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.plugin.PluginMetadata;
import dev.efspipe.plugin.PluginStore;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transforms on the running local stack, the way they run in AWS: a web app writes a file into the inbox and
 * announces it with an {@code efs-upload} message that chooses a plugin and a lookup; ingest passes the choice
 * on in the job, and the processor (one warm handler throughout) applies them. Then a new plugin version and a
 * new version of the reference dataset are published, and the next upload uses both, with no restart.
 */
class TransformsThroughTheStackIT {
    private static final String TRANSFORMS = "[\"mask-email\",{\"name\":\"lookup\",\"options\":"
            + "{\"field\":\"customerId\",\"dataset\":\"customers\",\"key\":\"id\",\"into\":\"customer\"}}]";

    @TempDir
    static Path dir;
    static LocalStack stack;
    static PluginStore plugins;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir));
        plugins = new PluginStore(new EfsLayout(stack.info().efsDir()), new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(10),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Publishes the reference dataset like any upload (here through the inbox) and waits for its new version. */
    private static Version publishCustomers(String tag) throws Exception {
        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        Optional<Version> before = reader.current(DatasetName.of("customers"));
        Path inbox = Files.createDirectories(new EfsLayout(stack.info().efsDir()).inbox().resolve("reference"));
        Path file = Files.writeString(inbox.resolve("customers-" + tag + ".ndjson"),
                "{\"id\":\"c-1\",\"tier\":\"" + tag + "\"}\n{\"id\":\"c-2\",\"tier\":\"" + tag + "\"}\n");
        String message = efsUpload("reference/" + file.getFileName(), file, "customers", "[]");
        stack.sqs().sendMessage(b -> b.queueUrl(stack.info().ingestQueueUrl()).messageBody(message));
        return reader.awaitNewVersion(DatasetName.of("customers"), before, Duration.ofSeconds(60), Duration.ofMillis(50))
                .orElseThrow(() -> new AssertionError("customers " + tag + " published within 60 s"));
    }

    private static String efsUpload(String path, Path file, String dataset, String transforms) throws IOException {
        return "{\"type\":\"efs-upload\",\"schemaVersion\":1,\"path\":\"" + path + "\",\"size\":" + Files.size(file)
                + ",\"uploadId\":\"" + file.getFileName() + "\",\"dataset\":\"" + dataset + "\",\"transforms\":" + transforms + "}";
    }

    private static String readAll(DatasetName dataset, Version version) throws IOException {
        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        StringBuilder all = new StringBuilder();
        for (Manifest.Part part : reader.manifest(dataset, version).parts()) {
            try (InputStream in = reader.open(dataset, version, part.name())) {
                all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    /** Writes orders into the inbox (completely, then renamed) and announces them choosing the transforms. */
    private static Manifest uploadOrders(String name) throws Exception {
        Path inbox = Files.createDirectories(new EfsLayout(stack.info().efsDir()).inbox().resolve("web"));
        Path tmp = inbox.resolve("." + name + ".tmp");
        Files.writeString(tmp, "[{\"order\":1,\"customerId\":\"c-1\",\"email\":\"alice@example.com\"},"
                + "{\"order\":2,\"customerId\":\"c-2\",\"email\":\"bob@example.org\"}]");
        Files.move(tmp, inbox.resolve(name));
        String message = efsUpload("web/" + name, inbox.resolve(name), name.replace(".json", ""), TRANSFORMS);
        stack.sqs().sendMessage(b -> b.queueUrl(stack.info().ingestQueueUrl()).messageBody(message));
        DatasetName dataset = DatasetName.of(name.replace(".json", ""));
        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        Version v = reader.awaitNewVersion(dataset, Optional.empty(), Duration.ofSeconds(60), Duration.ofMillis(50))
                .orElseThrow(() -> new AssertionError(name + " published within 60 s"));
        return reader.manifest(dataset, v);
    }

    private static List<String> records(Manifest m) throws IOException {
        return new ArrayList<>(List.of(readAll(m.dataset(), m.version()).split("\n")));
    }

    @Test
    void theAnnouncementChoosesTheTransformsAndTheWarmProcessorPicksUpNewVersionsForTheNextUpload() throws Exception {
        PluginMetadata v1 = plugins.publish(PluginName.of("mask-email"), PluginJars.example(), "example", List.of("mask-email"), "test")
                .metadata();
        Version customers1 = publishCustomers("v1");

        Manifest first = uploadOrders("orders-1.json");

        assertThat(records(first)).containsExactly(
                "{\"order\":1,\"customerId\":\"c-1\",\"email\":\"a****@example.com\",\"customer\":{\"id\":\"c-1\",\"tier\":\"v1\"}}",
                "{\"order\":2,\"customerId\":\"c-2\",\"email\":\"b**@example.org\",\"customer\":{\"id\":\"c-2\",\"tier\":\"v1\"}}");
        assertThat(first.lineage().transforms()).extracting(Lineage.Transform::label)
                .containsExactly("mask-email@" + v1.version(), "lookup");
        assertThat(first.lineage().transforms().get(0).sha256()).isEqualTo(v1.sha256());
        assertThat(first.lineage().transforms().get(1).references())
                .containsExactly(new Lineage.Reference("customers", customers1.value()));

        PluginMetadata v2 = plugins.publish(PluginName.of("mask-email"), PluginJars.exampleWithMask(dir.resolve("v2.jar"), '#'),
                "v2.jar", List.of("mask-email"), "test").metadata();
        Version customers2 = publishCustomers("v2");

        Manifest second = uploadOrders("orders-2.json");

        assertThat(records(second)).containsExactly(
                "{\"order\":1,\"customerId\":\"c-1\",\"email\":\"a####@example.com\",\"customer\":{\"id\":\"c-1\",\"tier\":\"v2\"}}",
                "{\"order\":2,\"customerId\":\"c-2\",\"email\":\"b##@example.org\",\"customer\":{\"id\":\"c-2\",\"tier\":\"v2\"}}");
        assertThat(second.lineage().transforms().get(0).version()).isEqualTo(v2.version());
        assertThat(second.lineage().transforms().get(0).sha256()).isEqualTo(v2.sha256());
        assertThat(second.lineage().transforms().get(1).references())
                .containsExactly(new Lineage.Reference("customers", customers2.value()));
    }
}
