package dev.efspipe.local.stack;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.Version;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The local stack driven by a real client nobody on the team wrote: the AWS CLI (Debian's {@code awscli},
 * which {@code .ci/run} installs). An upload with {@code aws s3 cp} (multipart for a large file) is
 * published; a file written into the EFS inbox and announced with {@code aws sqs send-message} is
 * published; a message that is not an announcement lands in the ingest dead-letter queue with its reason.
 */
class AwsCliIT {
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(onPath("aws")).as("the AWS CLI is installed (apt-get install awscli; .ci/run does)").isTrue();
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void awsS3CpUploadIsPublished() throws Exception {
        Path file = dir.resolve("cli orders+1.json");
        try (var out = Files.newOutputStream(file)) {
            DemoArchive.writeOrders(out, 100_000, 21); // ~9 MB: the CLI uploads it in parts
        }
        aws("s3", "cp", file.toString(), "s3://" + stack.info().bucket() + "/cli/cli orders+1.json");

        Optional<Version> version = new DatasetReader(stack.info().efsDir()).awaitNewVersion(
                DatasetName.of("cli-orders-1"), Optional.empty(), Duration.ofSeconds(60), Duration.ofMillis(50));
        assertThat(version).isPresent();
        var manifest = new DatasetReader(stack.info().efsDir()).manifest(DatasetName.of("cli-orders-1"), version.get());
        assertThat(manifest.records()).isEqualTo(100_000);
        assertThat(manifest.source().key()).as("the key decoded exactly once").isEqualTo("cli/cli orders+1.json");
    }

    @Test
    void fileWrittenToTheInboxAndAnnouncedWithSqsSendMessageIsPublished() throws Exception {
        Path inbox = new EfsLayout(stack.info().efsDir()).inbox().resolve("web");
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve(".upload.tmp");
        Files.write(tmp, "[{\"id\":1},{\"id\":2},{\"id\":3}]".getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, inbox.resolve("three.json")); // written completely, then renamed into place
        String message = "{\"type\":\"efs-upload\",\"schemaVersion\":1,\"path\":\"web/three.json\",\"size\":"
                + Files.size(inbox.resolve("three.json")) + ",\"uploadId\":\"upload-0001\"}";

        aws("sqs", "send-message", "--queue-url", stack.info().ingestQueueUrl(), "--message-body", message);

        Optional<Version> version = new DatasetReader(stack.info().efsDir()).awaitNewVersion(
                DatasetName.of("three"), Optional.empty(), Duration.ofSeconds(60), Duration.ofMillis(50));
        assertThat(version).isPresent();
        assertThat(new DatasetReader(stack.info().efsDir()).manifest(DatasetName.of("three"), version.get()).records())
                .isEqualTo(3);
    }

    @Test
    void messageThatIsNotAnAnnouncementIsDeadLetteredWithItsReason() throws Exception {
        aws("sqs", "send-message", "--queue-url", stack.info().ingestQueueUrl(), "--message-body", "{\"hello\":\"world\"}");

        List<Message> dead = new ArrayList<>();
        LocalStack.await(Duration.ofSeconds(60), () -> {
            dead.addAll(stack.sqs().receiveMessage(b -> b.queueUrl(stack.info().ingestDeadLetterQueueUrl())
                    .messageAttributeNames("All").waitTimeSeconds(1)).messages());
            return dead.stream().anyMatch(m -> m.body().contains("hello"));
        }, "the message in the ingest dead-letter queue");
        Message m = dead.stream().filter(x -> x.body().contains("hello")).findFirst().orElseThrow();
        assertThat(m.messageAttributes().get("reason").stringValue()).contains("Not an upload announcement").contains("hello");
    }

    private static void aws(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("aws", "--endpoint-url",
                args[0].equals("s3") ? stack.info().s3Endpoint() : stack.info().sqsEndpoint()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", stack.info().accessKeyId());
        pb.environment().put("AWS_SECRET_ACCESS_KEY", stack.info().secretAccessKey());
        pb.environment().put("AWS_DEFAULT_REGION", stack.info().region());
        pb.environment().put("AWS_PAGER", "");
        Path log = Files.createTempFile(dir, "aws", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("aws %s finished", String.join(" ", args)).isTrue();
        assertThat(p.exitValue()).as("aws %s: %s", String.join(" ", args), Files.readString(log)).isZero();
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
