package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import dev.efspipe.job.Job;
import dev.efspipe.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key, encoded the way S3 encodes it in an event notification, decodes to exactly the object key:
 * once, with no Unicode normalisation (NFC and NFD keys are different objects in S3).
 */
class KeyDecodingTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "plain.zip", "with space.zip", "plus+sign.zip", "both + and space.json", "100%.zip", "%2B literally.zip",
            "caf\u00e9.json", "cafe\u0301.json", "\u65e5\u672c\u8a9e/\u30c7\u30fc\u30bf.zip", "../../etc/passwd",
            "dir/../x.zip", "a=b&c;d:e@f,g?h.zip", "emoji \ud83d\ude00.zip", "trailing space .zip"})
    void keyDecodesToTheExactObjectKey(String key) throws Exception {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        String body = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"eventTime\":\"2026-11-26T06:00:00.000Z\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":"
                + Json.MAPPER.writeValueAsString(encoded) + ",\"size\":5,\"eTag\":\"e\"}}}]}";

        var outcome = new UploadAnnouncements(IngestRules.ACCEPT_ALL, Clock.systemUTC()).read(body);

        assertThat(outcome.jobs()).singleElement().extracting(Job::source).satisfies(s -> assertThat(s.key()).isEqualTo(key));
        assertThat(outcome.jobs().get(0).dataset().value()).matches("[a-z0-9][a-z0-9._-]*");
    }

    @ParameterizedTest
    @ValueSource(ints = {1025, 5000})
    void keyOverS3sLimitIsRefusedWithItsLength(int length) throws Exception {
        String key = "k".repeat(length);
        String body = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"" + key + "\",\"size\":5,\"eTag\":\"e\"}}}]}";

        var outcome = new UploadAnnouncements(IngestRules.ACCEPT_ALL, Clock.systemUTC()).read(body);

        assertThat(outcome.jobs()).isEmpty();
        assertThat(outcome.refused()).singleElement().asString().contains(length + " bytes").contains("at most 1024");
    }
}
