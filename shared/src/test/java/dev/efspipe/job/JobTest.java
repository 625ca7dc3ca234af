package dev.efspipe.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTest {
    private static final UploadSource SOURCE = UploadSource.s3("uploads", "2024/Sales Report.json", "v-1", "\"abc123\"", 4096);
    private static final UploadSource OTHER = UploadSource.s3("uploads", "2024/other.json", null, "def456", 10);
    private static final DatasetName DATASET = DatasetName.of("sales-report");
    private static final Instant AT = Instant.parse("2026-11-26T06:15:00.123Z");

    @Test
    void shouldDeriveItsIdFromTheSource() {
        Job job = Job.of(SOURCE, DATASET, AT);

        assertThat(job.id()).isEqualTo(SOURCE.jobId());
    }

    @Test
    void shouldRejectAnIdThatDoesNotMatchItsSource() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Job(Job.SCHEMA, OTHER.jobId(), DATASET, SOURCE, AT, null, null, null))
                .withMessageContaining("does not match its source")
                .withMessageContaining("s3://uploads/2024/Sales Report.json");
    }

    @Test
    void shouldRejectAnUnknownSchema() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Job(Job.SCHEMA + 1, SOURCE.jobId(), DATASET, SOURCE, AT, null, null, null))
                .withMessageContaining("Unsupported job schema");
    }

    @Test
    void shouldSurviveAJsonRoundTrip() throws Exception {
        Job job = Job.of(SOURCE, DATASET, AT);

        byte[] json = Json.MAPPER.writeValueAsBytes(job);
        Job back = Json.MAPPER.readValue(json, Job.class);

        assertThat(back).isEqualTo(job);
    }

    @Test
    void shouldWriteTheIdAsAPlainStringAndTheTimeAsIso8601() throws Exception {
        JsonNode tree = Json.MAPPER.valueToTree(Job.of(SOURCE, DATASET, AT));

        assertThat(tree.get("id").isTextual()).isTrue();
        assertThat(tree.get("id").asText()).isEqualTo(SOURCE.jobId().value());
        assertThat(tree.get("announcedAt").asText()).isEqualTo("2026-11-26T06:15:00.123Z");
    }

    @Test
    void shouldRefuseJson_whoseIdWasTamperedWith() throws Exception {
        String json = Json.MAPPER.writeValueAsString(Job.of(SOURCE, DATASET, AT))
                .replace(SOURCE.jobId().value(), OTHER.jobId().value());

        assertThatThrownBy(() -> Json.MAPPER.readValue(json, Job.class))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasStackTraceContaining("does not match its source");
    }

    @Test
    void shouldRefuseJson_withAnUnsafeDatasetName() throws Exception {
        String json = Json.MAPPER.writeValueAsString(Job.of(SOURCE, DATASET, AT))
                .replace("sales-report", "../../etc");

        assertThatThrownBy(() -> Json.MAPPER.readValue(json, Job.class))
                .hasStackTraceContaining("Invalid dataset name");
    }

    @Test
    void shouldMakeAnExplicitlyChosenDatasetPartOfTheId() {
        Job asDerived = Job.of(SOURCE, DatasetName.fromObjectKey(SOURCE.key()), AT);
        Job asA = Job.of(SOURCE, DatasetName.of("a"), AT);
        Job asB = Job.of(SOURCE, DatasetName.of("b"), AT);

        assertThat(asDerived.id()).as("the derived name adds nothing").isEqualTo(SOURCE.jobId());
        assertThat(asA.id()).isNotEqualTo(asDerived.id()).isNotEqualTo(asB.id());
        assertThat(Job.of(SOURCE, DatasetName.of("a"), AT.plusSeconds(60)).id()).as("announced again").isEqualTo(asA.id());
    }

    @Test
    void shouldRejectASourceOnlyIdForAnotherDataset_inSchemaTwo() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Job(Job.SCHEMA, SOURCE.jobId(), DatasetName.of("a"), SOURCE, AT, null, null, null))
                .withMessageContaining("does not match its source s3://uploads/2024/Sales Report.json and dataset a");
    }

    @Test
    void shouldStillReadASchemaOneJob_whoseIdCameFromTheSourceAlone() {
        Job old = new Job(1, SOURCE.jobId(), DatasetName.of("a"), SOURCE, AT, null, null, null);

        assertThat(old.schema()).isEqualTo(1);
        assertThat(old.id()).isEqualTo(SOURCE.jobId());
    }

    @Test
    void shouldWriteTheSchemeInLowercaseAndReadItBack() throws Exception {
        Job efs = Job.of(UploadSource.efs("web/a.json", "upload-1", 3), DATASET, AT);

        JsonNode tree = Json.MAPPER.valueToTree(efs);
        Job back = Json.MAPPER.treeToValue(tree, Job.class);

        assertThat(tree.get("source").get("scheme").asText()).isEqualTo("efs");
        assertThat(Json.MAPPER.valueToTree(Job.of(SOURCE, DATASET, AT)).get("source").get("scheme").asText()).isEqualTo("s3");
        assertThat(back.source().scheme()).isEqualTo(UploadSource.Scheme.EFS);
    }

    @Test
    void shouldRefuseJson_withAnUnknownScheme() throws Exception {
        String json = Json.MAPPER.writeValueAsString(Job.of(SOURCE, DATASET, AT)).replace("\"scheme\":\"s3\"", "\"scheme\":\"ftp\"");

        assertThatThrownBy(() -> Json.MAPPER.readValue(json, Job.class))
                .hasStackTraceContaining("Unknown source scheme 'ftp'");
    }
}
