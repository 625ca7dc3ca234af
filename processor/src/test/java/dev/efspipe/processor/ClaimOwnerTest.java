package dev.efspipe.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.efspipe.config.ClientConfig;
import dev.efspipe.config.EfsConfig;
import dev.efspipe.job.Job;
import dev.efspipe.job.LocalProcess;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.sqs.SqsBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whose claim a job record names is decided by the environment {@link ProcessorService#fromEnvironment} is given,
 * read once there: in Lambda the owner is the execution environment and request (claims keep the lease rule); in
 * the local stack, whose functions get a Lambda-like environment with a function name, it also names this
 * process, so that a killed stack's claims are taken over at once.
 */
class ClaimOwnerTest {
    @TempDir
    Path efs;

    @Test
    void inLambdaTheOwnerDoesNotNameThisProcess() throws Exception {
        String owner = ownerAfterOneRun(Map.of("AWS_EXECUTION_ENV", "AWS_Lambda_java21"));

        assertThat(owner).contains("/request-1").doesNotContain("(pid ");
        assertThat(LocalProcess.parse(owner)).isEmpty();
    }

    @Test
    void inTheLocalStackTheOwnerNamesThisProcess() throws Exception {
        String owner = ownerAfterOneRun(Map.of());

        assertThat(owner).contains("/request-1");
        LocalProcess.current().ifPresent(me -> assertThat(LocalProcess.parse(owner)).contains(me));
        assertThat(owner).as("tagged wherever /proc tells").matches(o -> LocalProcess.current().isEmpty() || o.contains("(pid "));
    }

    /** Runs one job through a service built from {@code lambdaEnv} plus a function's usual variables; the record's owner. */
    private String ownerAfterOneRun(Map<String, String> lambdaEnv) throws Exception {
        Path input = new EfsLayout(efs).inbox().resolve("uploads/orders.json");
        Files.createDirectories(input.getParent());
        Files.writeString(input, "[{\"item\":\"tea\"}]");
        Map<String, String> env = new HashMap<>(lambdaEnv);
        env.put(EfsConfig.EFS_ROOT, efs.toString());
        env.put(ProcessorConfig.FUNCTION_NAME, "processor");
        env.put(ClientConfig.REGION, "us-east-1");
        env.put(ClientConfig.SQS_ENDPOINT, "http://127.0.0.1:9");
        env.put(ProcessorConfig.PROCESS_QUEUE_URL, "http://127.0.0.1:9/000000000000/process");
        ProcessorService service = ProcessorService.fromEnvironment(env);
        Job job = Job.of(UploadSource.efs("uploads/orders.json", "e1", Files.size(input)), DatasetName.of("orders"), Instant.now());

        assertThat(service.handle("m-1", Json.MAPPER.writeValueAsString(job), "request-1", null)).isEqualTo(SqsBatch.Result.ACK);

        return Json.MAPPER.readTree(Files.readAllBytes(new EfsLayout(efs).jobRecord(job.id()))).path("owner").asText();
    }
}
