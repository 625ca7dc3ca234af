package dev.efspipe.job;

import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TransformSpecTest {

    @Test
    void aBareNameHasNoOptions() {
        assertThat(TransformSpec.parse(" mask-email ")).isEqualTo(new TransformSpec("mask-email", Map.of()));
    }

    @Test
    void optionsAreReadInOrderAndPrintedBack() {
        TransformSpec spec = TransformSpec.parse("lookup(field=customerId, dataset=customers,key=id,into=customer)");

        assertThat(spec.name()).isEqualTo("lookup");
        assertThat(spec.options()).containsExactly(Map.entry("field", "customerId"), Map.entry("dataset", "customers"),
                Map.entry("key", "id"), Map.entry("into", "customer"));
        assertThat(spec.toString()).isEqualTo("lookup(field=customerId,dataset=customers,key=id,into=customer)");
        assertThat(TransformSpec.parse(spec.toString())).isEqualTo(spec);
    }

    @Test
    void aChainIsSplitAtBarsOutsideParentheses() {
        assertThat(TransformSpec.parseChain("a|lookup(field=x,dataset=d,key=id,into=y)|b").stream().map(TransformSpec::name))
                .containsExactly("a", "lookup", "b");
        assertThat(TransformSpec.parseChain("  ")).isEmpty();
    }

    @Test
    void malformedSpecsAreRefusedWithTheText() {
        assertThatIllegalArgumentException().isThrownBy(() -> TransformSpec.parse("lookup(field)"))
                .withMessageContaining("option 'field' must be option=value");
        assertThatIllegalArgumentException().isThrownBy(() -> TransformSpec.parse("lookup(a=1"))
                .withMessageContaining("lookup(a=1");
        assertThatIllegalArgumentException().isThrownBy(() -> TransformSpec.parse("Mask"))
                .withMessageContaining("Invalid transform name 'Mask'");
        assertThatIllegalArgumentException().isThrownBy(() -> TransformSpec.parse("x(a=1,a=2)"))
                .withMessageContaining("option a twice");
        assertThatIllegalArgumentException().isThrownBy(() -> TransformSpec.parse("x(a b=1)"))
                .withMessageContaining("Invalid option name 'a b'");
    }

    @Test
    void aJobCarriesItsTransformsThroughJson() throws Exception {
        Job job = Job.of(UploadSource.s3("b", "k.json", null, "e", 1), DatasetName.of("k"),
                Instant.EPOCH).withTransforms(List.of(TransformSpec.parse("lookup(field=a,dataset=d,key=id,into=x)")));

        Job back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(job), Job.class);

        assertThat(back).isEqualTo(job);
        assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(job.withTransforms(null)), Job.class).transforms()).isNull();
    }
}
