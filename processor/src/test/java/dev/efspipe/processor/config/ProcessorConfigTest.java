package dev.efspipe.processor.config;

import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.config.Permissions;
import dev.efspipe.config.Settings;
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

/** The processor's configuration read from an environment, through {@link Settings}. */
class ProcessorConfigTest {

    @Test
    void shouldParseEveryVariable() {
        Map<String, String> env = Map.of(
                EfsConfig.EFS_ROOT, "/mnt/efs",
                ProcessorConfig.PROCESS_QUEUE_URL, "http://127.0.0.1:9324/000000000000/process",
                ClientConfig.S3_ENDPOINT, "http://127.0.0.1:9000",
                ClientConfig.SQS_ENDPOINT, "http://127.0.0.1:9324",
                "AWS_REGION", "eu-west-1",
                PartFormat.PART_MAX_BYTES, "4096",
                EfsConfig.LEASE_SECONDS, "300",
                EfsConfig.LOCK_TIMEOUT_SECONDS, " 7 ",
                Permissions.DIR_MODE, "700",
                Permissions.FILE_MODE, "600");

        ProcessorConfig config = read(env);

        assertThat(config.efs().root()).isEqualTo(Path.of("/mnt/efs"));
        assertThat(config.processQueueUrl()).isEqualTo("http://127.0.0.1:9324/000000000000/process");
        assertThat(config.clients().s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(config.clients().sqsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9324"));
        assertThat(config.clients().region()).isEqualTo("eu-west-1");
        assertThat(config.parts().maxBytes()).isEqualTo(4096);
        assertThat(config.efs().lease()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.efs().lockTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.efs().permissions()).isEqualTo(new Permissions(0700, 0600));
    }

    @Test
    void shouldUseDefaults_forAnEmptyEnvironment() {
        ProcessorConfig config = read(Map.of());

        assertThat(config.efs().root()).isEqualTo(Path.of("/mnt/pipeline"));
        assertThat(config.processQueueUrl()).isNull();
        assertThat(config.clients().s3Endpoint()).isNull();
        assertThat(config.clients().sqsEndpoint()).isNull();
        assertThat(config.clients().region()).isEqualTo("us-east-1");
        assertThat(config.parts().maxBytes()).isEqualTo(PartFormat.DEFAULT_MAX_BYTES);
        assertThat(config.efs().lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.efs().lockTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.efs().permissions()).isEqualTo(Permissions.DEFAULT);
    }

    @Test
    void shouldTreatBlankValuesAsUnset() {
        Map<String, String> env = Map.of(
                ClientConfig.S3_ENDPOINT, " ",
                ProcessorConfig.PROCESS_QUEUE_URL, "",
                EfsConfig.LEASE_SECONDS, "  ");

        ProcessorConfig config = read(env);

        assertThat(config.clients().s3Endpoint()).isNull();
        assertThat(config.processQueueUrl()).isNull();
        assertThat(config.efs().lease()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {PartFormat.PART_MAX_BYTES, EfsConfig.LEASE_SECONDS, EfsConfig.LOCK_TIMEOUT_SECONDS})
    void shouldNameTheVariable_whenItIsNotANumber(String variable) {
        Map<String, String> env = Map.of(variable, "two minutes");

        assertThatIllegalArgumentException().isThrownBy(() -> read(env))
                .withMessageContaining(variable)
                .withMessageContaining("'two minutes'");
    }

    @ParameterizedTest
    @ValueSource(strings = {Permissions.DIR_MODE, Permissions.FILE_MODE})
    void shouldNameTheVariable_whenAModeIsNotOctal(String variable) {
        Map<String, String> env = Map.of(variable, "rwxr-x---");

        assertThatIllegalArgumentException().isThrownBy(() -> read(env))
                .withMessageContaining(variable);
    }

    @Test
    void shouldRejectAWorldReadableMode() {
        Map<String, String> env = Map.of(Permissions.FILE_MODE, "644");

        assertThatIllegalArgumentException().isThrownBy(() -> read(env))
                .withMessageContaining("nothing to others");
    }

    @Test
    void shouldRejectANonPositiveLease() {
        Map<String, String> env = new HashMap<>();
        env.put(EfsConfig.LEASE_SECONDS, "0");

        assertThatIllegalArgumentException().isThrownBy(() -> read(env))
                .withMessageContaining(EfsConfig.LEASE_SECONDS + "='0'")
                .withMessageContaining("at least 1");
    }

    @Test
    void shouldRejectATinyPartSize() {
        Map<String, String> env = Map.of(PartFormat.PART_MAX_BYTES, "1023");

        assertThatIllegalArgumentException().isThrownBy(() -> read(env))
                .withMessageContaining("1023")
                .withMessageContaining("1024");
    }

    @Test
    void shouldRequireTheProcessQueue_inAFunction() {
        Map<String, String> env = Map.of(ProcessorConfig.FUNCTION_NAME, "processor");

        assertThatIllegalArgumentException().isThrownBy(() -> read(env))
                .withMessageContaining(ProcessorConfig.PROCESS_QUEUE_URL + " is not set (in the environment)")
                .withMessageContaining("continuation");
    }

    @Test
    void shouldReadEveryLimitAndRule() {
        Map<String, String> env = Map.of(
                PartFormat.PART_COMPRESSION, "GZIP",
                SuspendRule.SUSPEND_MARGIN_SECONDS, "30",
                SuspendRule.SUSPEND_AFTER_BYTES, "1000",
                "PIPELINE_JSON_MAX_DEPTH", "7",
                "PIPELINE_MAX_ENTRIES", "9");

        ProcessorConfig config = read(env);

        assertThat(config.parts().gzip()).isTrue();
        assertThat(config.suspend()).isEqualTo(new SuspendRule(Duration.ofSeconds(30), 1000));
        assertThat(config.json().maxDepth()).isEqualTo(7);
        assertThat(config.unpack().maxEntries().value()).isEqualTo(9);
    }

    @Test
    void shouldNameTheVariableTheValueAndTheChoices_whenCompressionIsUnknown() {
        assertThatIllegalArgumentException().isThrownBy(() -> read(Map.of(PartFormat.PART_COMPRESSION, "zstd")))
                .withMessage("PIPELINE_PART_COMPRESSION='zstd' (from the environment) must be one of [none, gzip]");
    }

    private static ProcessorConfig read(Map<String, String> env) {
        return ProcessorConfig.from(Settings.environment(env));
    }
}
