package dev.efspipe.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job record's JSON, schema 2: plain values, a schema version, progress; and the schema 1 form that earlier
 * builds wrote (the files under {@code v1/} were written by the build before this change, unedited).
 */
class JobRecordJsonTest {
    private static final Instant AT = Instant.parse("2026-11-26T06:15:00.123Z");
    private static final Job JOB = Job.of(UploadSource.s3("uploads", "incoming/orders.json", null,
            "9b2cf535f27731c974343645a3985328", 1048576), DatasetName.of("orders"), AT, "0055AED6DCD90281E5", null);

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = JobRecordJsonTest.class.getResourceAsStream("/v1/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static JobRecord claimed() {
        return new JobRecord(JOB, JobRecord.State.CLAIMED, "proc-a", AT.plusSeconds(120), Version.of(AT, JOB.id()), 1,
                AT.plusSeconds(2), null);
    }

    @Test
    void shouldWriteValueTypesAsPlainStrings_withSchemaVersionTwo() throws Exception {
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(claimed()));

        assertThat(json.path("schemaVersion").intValue()).isEqualTo(2);
        assertThat(json.path("jobId").isTextual()).isTrue();
        assertThat(json.path("jobId").textValue()).isEqualTo(JOB.id().value());
        assertThat(json.path("dataset").isTextual()).isTrue();
        assertThat(json.path("dataset").textValue()).isEqualTo("orders");
        assertThat(json.path("version").isTextual()).isTrue();
        assertThat(json.path("version").textValue()).isEqualTo("20261126T061500.123Z-" + JOB.id().value().substring(0, 12));
        assertThat(json.path("job").path("id").textValue()).isEqualTo(JOB.id().value());
        assertThat(json.path("job").path("dataset").textValue()).isEqualTo("orders");
        assertThat(json.path("job").path("schema").intValue()).isEqualTo(Job.SCHEMA);
        assertThat(json.path("state").textValue()).isEqualTo("CLAIMED");
    }

    @Test
    void shouldWriteReasonAndProgressAsNull_beforeThereAreAny() throws Exception {
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(claimed()));

        assertThat(json.has("progress")).isTrue();
        assertThat(json.get("progress").isNull()).isTrue();
        assertThat(json.has("reason")).isTrue();
        assertThat(json.get("reason").isNull()).isTrue();
    }

    @Test
    void shouldWriteProgressFigures_asPlainNumbers() throws Exception {
        JobProgress progress = JobProgress.of(524_288, 1_048_576, 5120, Duration.ofSeconds(2), AT.plusSeconds(4));
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(claimed().withProgress(progress))).path("progress");

        assertThat(json.path("bytesRead").longValue()).isEqualTo(524_288);
        assertThat(json.path("totalBytes").longValue()).isEqualTo(1_048_576);
        assertThat(json.path("records").longValue()).isEqualTo(5120);
        assertThat(json.path("percent").doubleValue()).isEqualTo(50.0);
        assertThat(json.path("bytesPerSecond").longValue()).isEqualTo(262_144);
        assertThat(json.path("updatedAt").textValue()).isEqualTo("2026-11-26T06:15:04.123Z");
    }

    @Test
    void shouldReadWhatItWrites() throws Exception {
        JobRecord record = claimed().withProgress(JobProgress.of(10, 40, 3, Duration.ofMillis(500), AT));

        assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(record), JobRecord.class)).isEqualTo(record);
    }

    @Test
    void shouldReadSchemaOne_aClaimedRecordWithValueObjects() throws Exception {
        JobRecord record = Json.MAPPER.readValue(resource("job-record-claimed.json"), JobRecord.class);

        assertThat(record.state()).isEqualTo(JobRecord.State.CLAIMED);
        assertThat(record.job().schema()).isEqualTo(1);
        assertThat(record.job().id()).isEqualTo(JOB.id());
        assertThat(record.job().source()).isEqualTo(JOB.source());
        assertThat(record.job().sequencer()).isEqualTo("0055AED6DCD90281E5");
        assertThat(record.dataset()).isEqualTo(DatasetName.of("orders"));
        assertThat(record.version()).isEqualTo(new Version("20261126T061500.123Z-83eb74258dff"));
        assertThat(record.owner()).isEqualTo("169.254.0.1@lambda/3f2a9c0d/8c1f0e2a-3b7d-4f7e-9a51-0d7c2b1e6f90");
        assertThat(record.leaseUntil()).isEqualTo(Instant.parse("2026-11-26T06:17:02.250Z"));
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.progress()).isNull();
        assertThat(record.reason()).isNull();
    }

    @Test
    void shouldReadSchemaOne_publishedAndFailedRecords() throws Exception {
        JobRecord published = Json.MAPPER.readValue(resource("job-record-published.json"), JobRecord.class);
        JobRecord failed = Json.MAPPER.readValue(resource("job-record-failed.json"), JobRecord.class);

        assertThat(published.state()).isEqualTo(JobRecord.State.PUBLISHED);
        assertThat(published.version().value()).isEqualTo("20261126T061500.123Z-83eb74258dff");
        assertThat(failed.state()).isEqualTo(JobRecord.State.FAILED);
        assertThat(failed.dataset().value()).isEqualTo("broken");
        assertThat(failed.job().recordPointer()).isEqualTo("/records");
        assertThat(failed.job().source().versionId()).isEqualTo("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
        assertThat(failed.reason()).startsWith("broken.json: record 0 at byte 11");
    }

    @Test
    void shouldRewriteASchemaOneRecord_inTheNewForm() throws Exception {
        JobRecord old = Json.MAPPER.readValue(resource("job-record-published.json"), JobRecord.class);

        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(old));

        assertThat(json.path("schemaVersion").intValue()).isEqualTo(2);
        assertThat(json.path("dataset").textValue()).isEqualTo("orders");
        assertThat(json.path("version").textValue()).isEqualTo("20261126T061500.123Z-83eb74258dff");
        assertThat(json.path("job").path("dataset").textValue()).isEqualTo("orders");
    }

    @Test
    void shouldRefuseANewerSchemaVersion_byName() throws Exception {
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(claimed()));
        ((ObjectNode) json).put("schemaVersion", 3);

        assertThatThrownBy(() -> Json.MAPPER.treeToValue(json, JobRecord.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasMessageContaining("Unsupported job record schemaVersion 3 (this build reads 1 to 2)");
    }

    @Test
    void shouldReadASchemaOneJobMessage_andWriteItPlain() throws Exception {
        Job job = Json.MAPPER.readValue(resource("job-message.json"), Job.class);

        assertThat(job.id()).isEqualTo(JOB.id());
        assertThat(job.dataset()).isEqualTo(JOB.dataset());
        assertThat(job.source()).isEqualTo(JOB.source());
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(job));
        assertThat(json.path("schema").intValue()).as("kept: its id is a schema 1 id").isEqualTo(1);
        assertThat(json.path("dataset").textValue()).isEqualTo("orders");
        assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(job), Job.class)).isEqualTo(job);
    }

    @Test
    void shouldReadASchemaOneManifest_andWriteItPlain() throws Exception {
        Manifest manifest = Json.MAPPER.readValue(resource("manifest.json"), Manifest.class);

        assertThat(manifest.dataset()).isEqualTo(DatasetName.of("orders"));
        assertThat(manifest.version().value()).isEqualTo("20261126T061500.123Z-83eb74258dff");
        assertThat(manifest.records()).isEqualTo(2);
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(manifest));
        assertThat(json.path("schema").intValue()).isEqualTo(2);
        assertThat(json.path("dataset").textValue()).isEqualTo("orders");
        assertThat(json.path("version").textValue()).isEqualTo("20261126T061500.123Z-83eb74258dff");
    }

    @Test
    void shouldRefuseADatasetThatIsNeitherAStringNorAValueObject() {
        assertThatThrownBy(() -> Json.MAPPER.readValue("{\"name\":\"orders\"}", DatasetName.class))
                .hasMessageContaining("A dataset name must be a JSON string, got {\"name\":\"orders\"}");
        assertThatThrownBy(() -> Json.MAPPER.readValue("\"../etc\"", DatasetName.class))
                .hasMessageContaining("Invalid dataset name '../etc'");
    }
}
