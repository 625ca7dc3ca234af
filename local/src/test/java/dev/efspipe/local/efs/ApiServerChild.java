package dev.efspipe.local.efs;

import dev.efspipe.api.ApiHandler;
import dev.efspipe.api.ApiService;
import dev.efspipe.local.stack.LocalApiServer;

import java.time.Duration;
import java.util.Map;

/**
 * One api "execution environment" in its own JVM: the api handler behind the local API Gateway adapter,
 * on an ephemeral port, over the EFS directory in {@code args[0]}. Prints {@code PORT <n>}, then serves
 * until its standard input closes (the parent's end of the test).
 */
public final class ApiServerChild {
    public static void main(String[] args) throws Exception {
        ApiService service = ApiService.fromEnvironment(Map.of(
                "PIPELINE_EFS_ROOT", args[0],
                "PIPELINE_BUCKET", "uploads",
                "PIPELINE_S3_ENDPOINT", "http://127.0.0.1:9",
                "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local-secret", "AWS_REGION", "us-east-1"));
        try (LocalApiServer server = LocalApiServer.start(0, new ApiHandler(service), Duration.ofSeconds(30))) {
            System.out.println("PORT " + server.endpoint().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
