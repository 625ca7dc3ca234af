package dev.efspipe.local.efs;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in lookup against a reference dataset of a million records, in a processor JVM whose heap
 * (64 MiB) could not hold a tenth of them: the index and the records stay outside the heap, in memory-mapped
 * files. Then the reference is republished and the next job enriches from the new version.
 */
class LookupAtScaleIT {
    private static final int CUSTOMERS = 1_000_000;
    private static final int ORDERS = 50_000;
    private static final String LOOKUP = "lookup(field=customerId,dataset=customers,key=id,into=customer)";

    @TempDir
    static Path efs;
    @TempDir
    static Path work;

    private record Run(int exit, String output, long millis) {}

    private static Run cli(List<String> jvm, String... args) throws Exception {
        Path log = Files.createTempFile(work, "cli", ".log");
        long start = System.nanoTime();
        Process p = ChildJvm.cli(log, Map.of(), jvm, args);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("pipeline %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(log), (System.nanoTime() - start) / 1_000_000);
    }

    private static String customer(int i, String version) {
        // About 190 bytes each: 1M of them are about 190 MB of reference data.
        return "{\"id\":\"c-" + i + "\",\"name\":\"Customer " + i + " " + version + "\",\"email\":\"customer" + i
                + "@example.com\",\"segment\":\"" + (i % 7 == 0 ? "gold" : "standard") + "\",\"address\":{\"street\":\""
                + i + " Long Street\",\"city\":\"Springfield\",\"zip\":\"" + (10000 + i % 89999) + "\"}}";
    }

    @BeforeAll
    static void publishAMillionCustomers() throws Exception {
        Path file = work.resolve("customers.ndjson");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < CUSTOMERS; i++) {
                w.write(customer(i, "v1"));
                w.write('\n');
            }
        }
        Run run = cli(List.of(), "process", file.toString(), "--efs", efs.toString(), "--dataset", "customers");
        assertThat(run.exit()).as(run.output()).isZero();
        System.out.printf("LookupAtScaleIT: reference of %d records, %d MB, published in %d ms%n", CUSTOMERS, Files.size(file) >> 20,
                run.millis());
    }

    private static Path orders(String name, long seed) throws IOException {
        Random random = new Random(seed);
        Path file = work.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write('[');
            for (int i = 0; i < ORDERS; i++) {
                w.write((i == 0 ? "" : ",") + "{\"order\":" + i + ",\"customerId\":\"c-" + random.nextInt(CUSTOMERS) + "\",\"total\":" + i % 100 + "}");
            }
            w.write(']');
        }
        return file;
    }

    private static List<String> records(String dataset) throws IOException {
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

    private static Manifest manifest(String dataset) throws IOException {
        DatasetReader reader = new DatasetReader(efs);
        return reader.manifest(DatasetName.of(dataset), reader.current(DatasetName.of(dataset)).orElseThrow());
    }

    private static void assertEnriched(String dataset, String version) throws IOException {
        Pattern order = Pattern.compile("\\{\"order\":(\\d+),\"customerId\":\"c-(\\d+)\",\"total\":(\\d+),\"customer\":(.*)}");
        List<String> lines = records(dataset);
        assertThat(lines).hasSize(ORDERS);
        for (String line : lines) {
            Matcher m = order.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(m.group(4)).isEqualTo(customer(Integer.parseInt(m.group(2)), version));
        }
    }

    @Test
    void aMillionReferenceRecordsInA64MegabyteHeapThenTheRepublishedReference() throws Exception {
        Version v1 = new DatasetReader(efs).current(DatasetName.of("customers")).orElseThrow();

        Run first = cli(List.of("-Xmx64m"), "process", orders("orders-1.json", 1).toString(), "--efs", efs.toString(),
                "--transform", LOOKUP);

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("indexed " + CUSTOMERS + " keys of " + CUSTOMERS + " records by 'id'");
        assertEnriched("orders-1", "v1");
        Lineage.Transform step = manifest("orders-1").lineage().transforms().get(0);
        assertThat(step.references()).containsExactly(new Lineage.Reference("customers", v1.value()));
        System.out.printf("LookupAtScaleIT: %d orders enriched from %d customers in a 64 MiB heap in %d ms (%s)%n", ORDERS, CUSTOMERS,
                first.millis(), first.output().lines().filter(l -> l.contains("indexed")).findFirst().orElse("").trim());

        // Republish the reference (a new upload of customers: every name now ends in v2).
        Path again = work.resolve("customers.ndjson");
        try (BufferedWriter w = Files.newBufferedWriter(again, StandardCharsets.UTF_8)) {
            for (int i = 0; i < CUSTOMERS; i++) {
                w.write(customer(i, "v2"));
                w.write('\n');
            }
        }
        Run republish = cli(List.of(), "process", again.toString(), "--efs", efs.toString(), "--dataset", "customers");
        assertThat(republish.exit()).as(republish.output()).isZero();
        Version v2 = new DatasetReader(efs).current(DatasetName.of("customers")).orElseThrow();
        assertThat(v2).isGreaterThan(v1);

        Run second = cli(List.of("-Xmx64m"), "process", orders("orders-2.json", 2).toString(), "--efs", efs.toString(),
                "--transform", LOOKUP);

        assertThat(second.exit()).as(second.output()).isZero();
        assertEnriched("orders-2", "v2");
        assertThat(manifest("orders-2").lineage().transforms().get(0).references())
                .containsExactly(new Lineage.Reference("customers", v2.value()));
        assertThat(manifest("orders-1").lineage().transforms().get(0).references())
                .as("the earlier dataset still names what it was made from").containsExactly(new Lineage.Reference("customers", v1.value()));
    }
}
