package dev.efspipe.processor.transform;

import dev.efspipe.job.Job;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.manifest.Lineage;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.processor.config.TransformRules;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonLimits;
import dev.efspipe.processor.run.JobOutcome;
import dev.efspipe.processor.run.JobProcessor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in lookup transform through the job processor, against reference datasets published by it. */
class LookupJobTest {
    private static final DatasetName CUSTOMERS = DatasetName.of("customers");
    private static final DatasetName ORDERS = DatasetName.of("orders");
    private static final String LOOKUP = "lookup(field=customerId,dataset=customers,key=id,into=customer)";

    @TempDir
    Path efs;
    @TempDir
    Path work;
    @TempDir
    Path local;

    private JobProcessor processor;
    private Instant clock = Instant.parse("2026-11-26T06:00:00Z");

    @BeforeEach
    void setUp() {
        processor = processor(false);
    }

    private JobProcessor processor(boolean gzip) {
        return new JobProcessor(ProcessorConfig.forEfsRoot(efs).withPartMaxBytes(1024).withGzipParts(gzip),
                new Transforms(efs, TransformRules.NONE, JsonLimits.DEFAULTS, local), Clock.systemUTC());
    }

    private JobOutcome run(JobProcessor p, DatasetName dataset, String name, String content, String chain) throws IOException {
        Path file = Files.writeString(work.resolve(name), content);
        clock = clock.plusSeconds(60);
        Job job = Job.of(UploadSource.file(name, "t" + clock, Files.size(file)), dataset, clock)
                .withTransforms(chain == null ? null : TransformSpec.parseChain(chain));
        return p.run(job, new FileInputSource(file), "test");
    }

    private JobOutcome publishCustomers(JobProcessor p, String suffix) throws IOException {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            ndjson.append("{\"id\":\"c-").append(i).append("\",\"name\":\"customer ").append(i).append(suffix).append("\"}\n");
        }
        JobOutcome outcome = run(p, CUSTOMERS, "customers-" + suffix + ".ndjson", ndjson.toString(), null);
        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(outcome.manifest().parts()).as("several parts").hasSizeGreaterThan(2);
        return outcome;
    }

    private List<String> records(Manifest m) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Manifest.Part p : m.parts()) {
            lines.addAll(Files.readAllLines(new EfsLayout(efs).version(m.dataset(), m.version()).resolve(p.name())));
        }
        return lines;
    }

    @Test
    void enrichesEachRecordWithTheReferenceRecordItsKeyNames() throws IOException {
        JobOutcome customers = publishCustomers(processor, "v1");

        JobOutcome orders = run(processor, ORDERS, "orders.json",
                "[{\"order\":1,\"customerId\":\"c-7\"},{\"order\":2,\"customerId\":\"c-99\",\"items\":[1,2]},{}]", LOOKUP);

        assertThat(orders.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        assertThat(records(orders.manifest())).containsExactly(
                "{\"order\":1,\"customerId\":\"c-7\",\"customer\":{\"id\":\"c-7\",\"name\":\"customer 7v1\"}}",
                "{\"order\":2,\"customerId\":\"c-99\",\"items\":[1,2],\"customer\":{\"id\":\"c-99\",\"name\":\"customer 99v1\"}}",
                "{}");
        Lineage.Transform step = orders.manifest().lineage().transforms().get(0);
        assertThat(step.kind()).isEqualTo(Lineage.BUILTIN);
        assertThat(step.version()).isNull();
        assertThat(step.options()).containsEntry("dataset", "customers");
        assertThat(step.references()).containsExactly(new Lineage.Reference("customers", customers.manifest().version().value()));
        assertThat(orders.manifest().fields().paths()).extracting(Manifest.Field::path).contains("customer.name");
    }

    @Test
    void aRepublishedReferenceIsUsedFromTheNextJobOnAndTheOldIndexIsRemoved() throws IOException {
        JobOutcome v1 = publishCustomers(processor, "v1");
        JobOutcome first = run(processor, ORDERS, "o1.json", "[{\"customerId\":\"c-1\"}]", LOOKUP);
        JobOutcome v2 = publishCustomers(processor, "v2");

        JobOutcome second = run(processor, ORDERS, "o2.json", "[{\"customerId\":\"c-1\"}]", LOOKUP);

        assertThat(records(first.manifest())).containsExactly("{\"customerId\":\"c-1\",\"customer\":{\"id\":\"c-1\",\"name\":\"customer 1v1\"}}");
        assertThat(records(second.manifest())).containsExactly("{\"customerId\":\"c-1\",\"customer\":{\"id\":\"c-1\",\"name\":\"customer 1v2\"}}");
        assertThat(first.manifest().lineage().transforms().get(0).references())
                .containsExactly(new Lineage.Reference("customers", v1.manifest().version().value()));
        assertThat(second.manifest().lineage().transforms().get(0).references())
                .containsExactly(new Lineage.Reference("customers", v2.manifest().version().value()));
        try (Stream<Path> indexes = Files.list(local.resolve("reference/customers"))) {
            assertThat(indexes.map(p -> p.getFileName().toString()))
                    .singleElement().asString().startsWith(v2.manifest().version().value());
        }
    }

    @Test
    void readsGzipCompressedReferenceParts() throws IOException {
        JobProcessor gzip = processor(true);
        publishCustomers(gzip, "gz");

        JobOutcome orders = run(gzip, ORDERS, "orders.json", "[{\"customerId\":\"c-42\"}]", LOOKUP);

        assertThat(orders.manifest().parts().get(0).name()).endsWith(".ndjson.gz");
        assertThat(orders.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
    }

    @Test
    void recordsWithoutAMatchAreKeptGivenNullDroppedOrFailTheJob() throws IOException {
        publishCustomers(processor, "v1");
        String doc = "[{\"customerId\":\"c-1\"},{\"customerId\":\"nobody\"},{\"other\":1}]";

        assertThat(records(run(processor, ORDERS, "keep.json", doc, LOOKUP).manifest())).containsExactly(
                "{\"customerId\":\"c-1\",\"customer\":{\"id\":\"c-1\",\"name\":\"customer 1v1\"}}",
                "{\"customerId\":\"nobody\"}", "{\"other\":1}");
        assertThat(records(run(processor, ORDERS, "null.json", doc, LOOKUP.replace(")", ",missing=null)")).manifest())).containsExactly(
                "{\"customerId\":\"c-1\",\"customer\":{\"id\":\"c-1\",\"name\":\"customer 1v1\"}}",
                "{\"customerId\":\"nobody\",\"customer\":null}", "{\"other\":1,\"customer\":null}");
        JobOutcome dropped = run(processor, ORDERS, "drop.json", doc, LOOKUP.replace(")", ",missing=drop)"));
        assertThat(records(dropped.manifest())).hasSize(1);
        assertThat(dropped.manifest().lineage().recordsDropped()).isEqualTo(2);
        JobOutcome failed = run(processor, ORDERS, "fail.json", doc, LOOKUP.replace(")", ",missing=fail)"));
        assertThat(failed.status()).isEqualTo(JobOutcome.Status.FAILED);
        assertThat(failed.detail()).isEqualTo("Transform 'lookup' threw java.lang.IllegalArgumentException: "
                + "no record of the reference has the key 'nobody' (record 1 of fail.json)");
    }

    @Test
    void aRecordThatIsNotAnObjectOrAlreadyHasTheMemberFailsTheJob() throws IOException {
        publishCustomers(processor, "v1");

        JobOutcome scalar = run(processor, ORDERS, "a.json", "[{\"customerId\":\"c-1\"},7]", LOOKUP);
        JobOutcome clash = run(processor, ORDERS, "b.json", "[{\"customerId\":\"c-1\",\"customer\":1}]", LOOKUP);

        assertThat(scalar.detail()).contains("lookup needs records that are JSON objects (record 1 of a.json)");
        assertThat(clash.detail()).contains("the record already has a member 'customer'");
        assertThat(new EfsLayout(efs).dataset(ORDERS)).doesNotExist();
    }

    @Test
    void badOptionsOrAnUnpublishedReferenceFailTheJob() throws IOException {
        JobOutcome noReference = run(processor, ORDERS, "a.json", "[{\"customerId\":\"c-1\"}]", LOOKUP);
        publishCustomers(processor, "v1");
        JobOutcome noField = run(processor, ORDERS, "b.json", "[1]", "lookup(dataset=customers)");
        JobOutcome unknown = run(processor, ORDERS, "c.json", "[1]", "lookup(field=a,dataset=customers,colour=red)");

        assertThat(noReference.status()).isEqualTo(JobOutcome.Status.FAILED);
        assertThat(noReference.detail()).contains("the reference dataset customers has no published version");
        assertThat(noField.detail()).contains("transform 'lookup' needs the option field");
        assertThat(unknown.detail()).contains("lookup has no option 'colour'");
    }
}
