package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A key the HTTP API chose carries the upload's dataset and record pointer, and ingest honours them. */
class ApiUploadKeyTest {
    private static Job jobFor(String key, IngestRules rules) throws Exception {
        String encoded = java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8).replace("%2F", "/");
        String body = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":" + Json.MAPPER.writeValueAsString(encoded)
                + ",\"size\":5,\"eTag\":\"e\"}}}]}";
        return new UploadAnnouncements(rules, Clock.systemUTC()).read(body).jobs().get(0);
    }

    @Test
    void datasetAndPointerInTheKeyWin() throws Exception {
        Job job = jobFor("uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/dataset=sales/pointer=L2RhdGEvaXRlbXM/Report.json",
                IngestRules.from(dev.efspipe.config.Settings.environment(Map.of(IngestRules.RECORD_POINTERS, "uploads/=/records"))));

        assertThat(job.dataset().value()).isEqualTo("sales");
        assertThat(job.recordPointer()).isEqualTo("/data/items");
    }

    @Test
    void withoutOptionsTheNameAndTheConfiguredPointerApply() throws Exception {
        Job job = jobFor("uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/Report.json",
                new IngestRules(List.of(), List.of(), 1000, List.of(new IngestRules.PrefixPointer("uploads/", "/records"))));

        assertThat(job.dataset().value()).isEqualTo("report");
        assertThat(job.recordPointer()).isEqualTo("/records");
    }

    @Test
    void aKeyThatOnlyLooksLikeOursIsReadLikeAnyOther() throws Exception {
        Job job = jobFor("uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/dataset=../Report.json", IngestRules.ACCEPT_ALL);

        assertThat(job.dataset().value()).isEqualTo("report");
    }
}
