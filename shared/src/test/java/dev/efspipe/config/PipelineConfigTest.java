package dev.efspipe.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PipelineConfigTest {

    @Test
    void shouldParseEveryVariable() {
        Map<String, String> env = Map.of(
                PipelineConfig.EFS_ROOT, "/mnt/efs",
                PipelineConfig.PROCESS_QUEUE_URL, "http://127.0.0.1:9324/000000000000/process",
                PipelineConfig.S3_ENDPOINT, "http://127.0.0.1:9000",
                PipelineConfig.SQS_ENDPOINT, "http://127.0.0.1:9324",
                "AWS_REGION", "eu-west-1",
                PipelineConfig.PART_MAX_BYTES, "4096",
                PipelineConfig.LEASE_SECONDS, "300",
                PipelineConfig.LOCK_TIMEOUT_SECONDS, " 7 ",
                PipelineConfig.DIR_MODE, "700",
                PipelineConfig.FILE_MODE, "600");

        PipelineConfig config = PipelineConfig.fromEnvironment(env);

        assertThat(config.efsRoot()).isEqualTo(Path.of("/mnt/efs"));
        assertThat(config.processQueueUrl()).isEqualTo("http://127.0.0.1:9324/000000000000/process");
        assertThat(config.s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(config.sqsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9324"));
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.partMaxBytes()).isEqualTo(4096);
        assertThat(config.lease()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.lockTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.permissions()).isEqualTo(new Permissions(0700, 0600));
    }

    @Test
    void shouldUseDefaults_forAnEmptyEnvironment() {
        PipelineConfig config = PipelineConfig.fromEnvironment(Map.of());

        assertThat(config.efsRoot()).isEqualTo(Path.of("/mnt/pipeline"));
        assertThat(config.processQueueUrl()).isNull();
        assertThat(config.s3Endpoint()).isNull();
        assertThat(config.sqsEndpoint()).isNull();
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.partMaxBytes()).isEqualTo(PipelineConfig.DEFAULT_PART_MAX_BYTES);
        assertThat(config.lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.lockTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.permissions()).isEqualTo(Permissions.DEFAULT);
    }

    @Test
    void shouldTreatBlankValuesAsUnset() {
        Map<String, String> env = Map.of(
                PipelineConfig.S3_ENDPOINT, " ",
                PipelineConfig.PROCESS_QUEUE_URL, "",
                PipelineConfig.LEASE_SECONDS, "  ");

        PipelineConfig config = PipelineConfig.fromEnvironment(env);

        assertThat(config.s3Endpoint()).isNull();
        assertThat(config.processQueueUrl()).isNull();
        assertThat(config.lease()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {PipelineConfig.PART_MAX_BYTES, PipelineConfig.LEASE_SECONDS, PipelineConfig.LOCK_TIMEOUT_SECONDS})
    void shouldNameTheVariable_whenItIsNotANumber(String variable) {
        Map<String, String> env = Map.of(variable, "two minutes");

        assertThatIllegalArgumentException().isThrownBy(() -> PipelineConfig.fromEnvironment(env))
                .withMessageContaining(variable)
                .withMessageContaining("'two minutes'");
    }

    @ParameterizedTest
    @ValueSource(strings = {PipelineConfig.DIR_MODE, PipelineConfig.FILE_MODE})
    void shouldNameTheVariable_whenAModeIsNotOctal(String variable) {
        Map<String, String> env = Map.of(variable, "rwxr-x---");

        assertThatIllegalArgumentException().isThrownBy(() -> PipelineConfig.fromEnvironment(env))
                .withMessageContaining(variable);
    }

    @Test
    void shouldRejectAWorldReadableMode() {
        Map<String, String> env = Map.of(PipelineConfig.FILE_MODE, "644");

        assertThatIllegalArgumentException().isThrownBy(() -> PipelineConfig.fromEnvironment(env))
                .withMessageContaining("nothing to others");
    }

    @Test
    void shouldRejectANonPositiveLease() {
        Map<String, String> env = new HashMap<>();
        env.put(PipelineConfig.LEASE_SECONDS, "0");

        assertThatIllegalArgumentException().isThrownBy(() -> PipelineConfig.fromEnvironment(env))
                .withMessageContaining("lease");
    }

    @Test
    void shouldRejectATinyPartSize() {
        Map<String, String> env = Map.of(PipelineConfig.PART_MAX_BYTES, "1023");

        assertThatIllegalArgumentException().isThrownBy(() -> PipelineConfig.fromEnvironment(env))
                .withMessageContaining("1023")
                .withMessageContaining("1024");
    }
}
