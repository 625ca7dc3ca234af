package dev.efspipe.local.stack;

import dev.efspipe.config.EfsConfig;
import dev.efspipe.job.FailureRecord;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobRecord;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.processor.ProcessorService;
import dev.efspipe.processor.input.S3InputSource;
import dev.efspipe.processor.run.JobProcessor;
import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.sqs.SqsBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two answers S3 gives a processor that cannot read an upload, from the embedded S3 server (S3Proxy 4.1.0):
 * 404 NoSuchKey for an object deleted after its announcement, a permanent failure recorded in {@code failed/}
 * (in AWS only a caller with {@code s3:ListBucket} gets the 404, which the template grants); and 403, which S3Proxy
 * answers an unsigned request for a private object with (AccessDenied) and a wrongly signed one with
 * (SignatureDoesNotMatch): transient, retried, and saying which permission or which credentials.
 */
class S3NotFoundAndForbiddenIT {
    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir.resolve("stack")).withPollers(false));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Job upload(String key) {
        String bucket = stack.info().bucket();
        String etag = stack.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("[{\"id\":1}]")).eTag();
        return Job.of(UploadSource.s3(bucket, key, null, etag, 10), DatasetName.fromObjectKey(key), Instant.now());
    }

    private static ProcessorService service(S3Client s3) {
        return ProcessorService.fromEnvironment(Map.of(EfsConfig.EFS_ROOT, stack.info().efsDir().toString()), s3, null);
    }

    private static S3Client client(AwsCredentialsProvider credentials) {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(stack.info().region()))
                .credentialsProvider(credentials).endpointOverride(URI.create(stack.info().s3Endpoint())).forcePathStyle(true).build();
    }

    @Test
    void anObjectDeletedAfterItsAnnouncement_failsPermanently_andIsRecordedInFailed() throws Exception {
        Job job = upload("incoming/gone.json");
        stack.s3().deleteObject(b -> b.bucket(job.source().bucket()).key(job.source().key()));

        SqsBatch.Result result = service(stack.s3()).handle("m-1", Json.MAPPER.writeValueAsString(job), "request-1", null);

        assertThat(result).as("acknowledged: retrying cannot bring the object back").isEqualTo(SqsBatch.Result.ACK);
        EfsLayout layout = new EfsLayout(stack.info().efsDir());
        FailureRecord failure = Json.MAPPER.readValue(layout.failedRecord(job.id()).toFile(), FailureRecord.class);
        assertThat(failure.reason()).isEqualTo("s3://" + job.source().bucket() + "/incoming/gone.json: the object no longer"
                + " exists (S3 answered 404 NoSuchKey: it was deleted after it was announced); there is nothing to process");
        JobRecord record = Json.MAPPER.readValue(layout.jobRecord(job.id()).toFile(), JobRecord.class);
        assertThat(record.state()).isEqualTo(JobRecord.State.FAILED);
        assertThat(record.reason()).isEqualTo(failure.reason());
    }

    @Test
    void accessDenied_isRetried_andNamesTheMissingPermission() throws Exception {
        Job job = upload("incoming/private.json");
        S3Client withoutRights = client(AnonymousCredentialsProvider.create());
        List<String> logged = capture(Logger.getLogger(ProcessorService.class.getName()));

        SqsBatch.Result result = service(withoutRights).handle("m-2", Json.MAPPER.writeValueAsString(job), "request-2", null);

        String bucket = job.source().bucket();
        String expected = "S3 refused to read s3://" + bucket + "/incoming/private.json (403 AccessDenied): the processor's"
                + " role needs s3:GetObject on arn:aws:s3:::" + bucket + "/incoming/private.json, and s3:ListBucket on"
                + " arn:aws:s3:::" + bucket + " (for the upload prefix) so that an object deleted after its announcement"
                + " answers 404, a permanent failure, instead of 403; the job is retried";
        assertThat(result).isEqualTo(SqsBatch.Result.RETRY);
        assertThat(logged).anySatisfy(line -> assertThat(line).contains("will be retried: " + expected));
        EfsLayout layout = new EfsLayout(stack.info().efsDir());
        assertThat(layout.failedRecord(job.id())).doesNotExist();
        assertThatThrownBy(() -> new JobProcessor(ProcessorConfig.forEfsRoot(dir.resolve("efs-2")), Clock.systemUTC())
                .run(job, new S3InputSource(withoutRights, job.source()), "test"))
                .isInstanceOf(IOException.class).hasMessage(expected);
    }

    @Test
    void refusedCredentials_areRetried_andSaySo() {
        Job job = upload("incoming/signed.json");
        S3Client wrongSecret = client(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(stack.info().accessKeyId(), "not-the-secret")));

        assertThatThrownBy(() -> new JobProcessor(ProcessorConfig.forEfsRoot(dir.resolve("efs-3")), Clock.systemUTC())
                .run(job, new S3InputSource(wrongSecret, job.source()), "test"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("S3 refused the processor's credentials reading s3://" + job.source().bucket()
                        + "/incoming/signed.json (403 SignatureDoesNotMatch: ")
                .hasMessageEndingWith("): check the access key and secret it signs with (in Lambda, its role's temporary"
                        + " credentials); the job is retried");
    }

    private static List<String> capture(Logger logger) {
        List<String> lines = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return lines;
    }
}
