package dev.efspipe.local.cli;

import dev.efspipe.fs.IoErrors;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.local.stack.StackInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the local stack in the foreground until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the local stack (S3, SQS, EFS directory, Lambda pollers, HTTP API) and run until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = ".pipeline", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--efs", description = "EFS directory (default <data>/efs).")
    Path efs;

    @Option(names = "--s3-port", defaultValue = "9000", description = "S3 port (default ${DEFAULT-VALUE}; 0 for any).")
    int s3Port;

    @Option(names = "--sqs-port", defaultValue = "9324", description = "SQS port (default ${DEFAULT-VALUE}; 0 for any).")
    int sqsPort;

    @Option(names = "--api-port", defaultValue = "8080",
            description = "HTTP API and web page port (default ${DEFAULT-VALUE}; 0 for any; -1 for none).")
    int apiPort;

    @Option(names = "--bucket", defaultValue = "uploads", description = "Upload bucket (default ${DEFAULT-VALUE}).")
    String bucket;

    @Override
    public Integer call() throws Exception {
        Path dataDir = data.toAbsolutePath();
        if (StackConsole.running(dataDir).isPresent()) {
            System.err.println("A local stack is already running with " + dataDir + "; see " + dataDir.resolve("stack.json"));
            return 1;
        }
        Path efsDir = efs != null ? efs.toAbsolutePath() : dataDir.resolve("efs");
        LocalStack stack = LocalStack.start(LocalStack.Options.ephemeral(dataDir).withEfsDir(efsDir)
                .withPorts(s3Port, sqsPort).withBucket(bucket).withApiPort(apiPort));
        Path infoFile = stack.writeInfo();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the local stack…");
            stack.close();
            try {
                Files.deleteIfExists(infoFile);
            } catch (IOException e) {
                System.err.println("Could not remove " + infoFile + ": " + IoErrors.describe(e));
            }
            stopped.countDown();
        }));
        StackInfo info = stack.info();
        StackConsole.printInfo(info, System.out);
        if (info.apiEndpoint() != null) {
            System.out.printf("%nThe web page and HTTP API: %s/%n"
                    + "  curl -X POST -d 'Hello from EFS!' %s/api/messages%n", info.apiEndpoint(), info.apiEndpoint());
        }
        System.out.printf("%nTry it with the AWS CLI:%n"
                + "  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=%s%n"
                + "  aws --endpoint-url %s s3 cp some.zip s3://%s/uploads/some.zip%n"
                + "  ./pipeline catalog --efs %s%n%nRunning; Ctrl-C stops it. (%s)%n",
                info.accessKeyId(), info.secretAccessKey(), info.region(), info.s3Endpoint(), info.bucket(),
                info.efsDir(), infoFile);
        stopped.await();
        return 0;
    }
}
