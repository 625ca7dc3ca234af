package dev.efspipe.api.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.api.config.ApiConfig;
import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.JsonBody;
import dev.efspipe.api.jobs.JobStatus;
import dev.efspipe.layout.JobId;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.RelativePath;
import dev.efspipe.upload.UploadKey;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Browser uploads straight to S3, and what became of them.
 *
 * <ul>
 *   <li>{@link #create}: the server chooses the key ({@link UploadKey}: prefix, a random id, the options, a
 *       sanitised name) and answers a presigned PUT, or above the multipart threshold a multipart plan:
 *       the upload started here, one presigned URL per part, at most {@value #MAX_PLAN_PARTS} parts (the
 *       part size grows for huge files, so the plan always fits one response).</li>
 *   <li>{@link #complete} and {@link #abort}: finish or drop a multipart upload this API started.</li>
 *   <li>{@link #status}: the upload's state, derived from S3 (HEAD) and EFS (job and failure records),
 *       with the job id computed the way ingest computes it.</li>
 * </ul>
 */
public final class Uploads {
    static final int MAX_PLAN_PARTS = 1000;
    /** S3's limits: a single PUT up to 5 GiB, a part up to 5 GiB, an object up to 5 TiB. */
    static final long MAX_PUT_BYTES = 5L << 30;
    static final long MAX_PART_BYTES = 5L << 30;
    static final long MAX_OBJECT_BYTES = 5L << 40;

    private final ApiConfig config;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final JobStatus jobs;
    private final Clock clock;

    public Uploads(ApiConfig config, S3Client s3, S3Presigner presigner, JobStatus jobs, Clock clock) {
        this.config = config;
        this.s3 = s3;
        this.presigner = presigner;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** {@code POST /api/uploads} with {@code {"name", "size", "dataset"?, "recordPointer"?}}. */
    public ObjectNode create(ApiRequest request) throws IOException, ApiProblem {
        ObjectNode body = JsonBody.object(request, Set.of("name", "size", "dataset", "recordPointer"));
        String name = JsonBody.text(body, "name");
        if (name.isBlank() || name.getBytes(StandardCharsets.UTF_8).length > RelativePath.MAX_BYTES) {
            throw ApiProblem.badRequest("The field 'name' must be a file name of 1 to " + RelativePath.MAX_BYTES + " bytes");
        }
        long max = Math.min(MAX_OBJECT_BYTES, config.ingestRules().maxObjectBytes());
        long size = JsonBody.number(body, "size", 0, Long.MAX_VALUE);
        if (size > max) {
            throw ApiProblem.tooLarge("The file is " + size + " bytes, over the limit of " + max + " bytes");
        }
        UploadKey key;
        try {
            String dataset = JsonBody.optionalText(body, "dataset");
            key = UploadKey.create(config.uploadPrefix(), name, dataset == null ? null : DatasetName.of(dataset),
                    JsonBody.optionalText(body, "recordPointer"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("key", key.key());
        out.put("dataset", key.effectiveDataset().value());
        out.put("expiresAt", clock.instant().plus(config.presignTtl()).toString());
        try {
            if (size <= config.multipartThreshold() && size <= MAX_PUT_BYTES) {
                PutObjectRequest put = PutObjectRequest.builder().bucket(config.bucket()).key(key.key()).contentLength(size).build();
                out.put("method", "PUT");
                out.put("uploadUrl", presigner.presignPutObject(p -> p.signatureDuration(config.presignTtl())
                        .putObjectRequest(put)).url().toString());
                return out;
            }
            long partSize = partSize(size);
            String uploadId = s3.createMultipartUpload(b -> b.bucket(config.bucket()).key(key.key())).uploadId();
            out.put("uploadId", uploadId);
            out.put("partSize", partSize);
            ArrayNode parts = out.putArray("parts");
            int count = (int) ((size + partSize - 1) / partSize);
            for (int n = 1; n <= count; n++) {
                long length = Math.min(partSize, size - (n - 1) * partSize);
                UploadPartRequest part = UploadPartRequest.builder().bucket(config.bucket()).key(key.key())
                        .uploadId(uploadId).partNumber(n).contentLength(length).build();
                parts.addObject().put("partNumber", n).put("size", length).put("url", presigner.presignUploadPart(
                        p -> p.signatureDuration(config.presignTtl()).uploadPartRequest(part)).url().toString());
            }
            return out;
        } catch (SdkException e) {
            throw unavailable("start the upload of " + key.key(), e);
        }
    }

    /** The part size for {@code size} bytes: the configured one, larger when it would take over {@value #MAX_PLAN_PARTS} parts. */
    long partSize(long size) {
        long needed = (size + MAX_PLAN_PARTS - 1) / MAX_PLAN_PARTS;
        long mib = 1L << 20;
        return Math.min(MAX_PART_BYTES, Math.max(config.partBytes(), (needed + mib - 1) / mib * mib));
    }

    /** {@code POST /api/uploads/{key}/complete} with {@code {"uploadId", "parts": [{"partNumber", "eTag"}]}}. */
    public ObjectNode complete(String key, ApiRequest request) throws IOException, ApiProblem {
        ours(key);
        ObjectNode body = JsonBody.object(request, Set.of("uploadId", "parts"));
        String uploadId = uploadId(body);
        JsonNode parts = body.get("parts");
        if (parts == null || !parts.isArray() || parts.isEmpty() || parts.size() > 10_000) {
            throw ApiProblem.badRequest("The field 'parts' must be an array of 1 to 10000 {\"partNumber\", \"eTag\"}");
        }
        List<CompletedPart> completed = new ArrayList<>();
        int previous = 0;
        for (JsonNode p : parts) {
            if (!p.isObject()) {
                throw ApiProblem.badRequest("Each of 'parts' must be an object {\"partNumber\", \"eTag\"}");
            }
            int number = (int) JsonBody.number(p, "partNumber", 1, 10_000);
            String eTag = JsonBody.text(p, "eTag");
            if (number <= previous) {
                throw ApiProblem.badRequest("'parts' must be in ascending partNumber order without repeats; " + number
                        + " follows " + previous);
            }
            if (eTag.isEmpty() || eTag.length() > 200 || eTag.chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.badRequest("Part " + number + " has an invalid eTag");
            }
            previous = number;
            completed.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
        }
        try {
            var done = s3.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed)));
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("key", key);
            out.put("eTag", done.eTag() == null ? null : done.eTag().replace("\"", ""));
            return out;
        } catch (S3Exception e) {
            throw refused("complete", key, e);
        } catch (SdkException e) {
            throw unavailable("complete the upload of " + key, e);
        }
    }

    /** {@code POST /api/uploads/{key}/abort} with {@code {"uploadId"}}. */
    public ObjectNode abort(String key, ApiRequest request) throws IOException, ApiProblem {
        ours(key);
        String uploadId = uploadId(JsonBody.object(request, Set.of("uploadId")));
        try {
            s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
        } catch (S3Exception e) {
            throw refused("abort", key, e);
        } catch (SdkException e) {
            throw unavailable("abort the upload of " + key, e);
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("key", key);
        out.put("aborted", true);
        return out;
    }

    /**
     * {@code GET /api/uploads/{key}}: {@code state} is {@code rejected} when the ingest rules refuse the key
     * (without asking S3), {@code missing} when there is no object, {@code rejected} when the object is
     * over the size limit, {@code queued} while EFS has no record of its job, and then the job's state.
     */
    public ObjectNode status(String key) throws IOException, ApiProblem {
        checkKey(key);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("key", key);
        Optional<String> rejection = config.ingestRules().rejection(key);
        if (rejection.isPresent()) {
            return fill(out, "rejected", null, dataset(key), "The pipeline ignores this upload: " + rejection.get());
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(config.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            return fill(out, "missing", null, dataset(key), null);
        } catch (S3Exception e) {
            // The template gives this function s3:GetObject under the upload prefix and no s3:ListBucket, so S3
            // answers a missing key there with 403 instead of 404.
            if (e.statusCode() == 404 || (e.statusCode() == 403 && !config.uploadPrefix().isEmpty()
                    && key.startsWith(config.uploadPrefix()))) {
                return fill(out, "missing", null, dataset(key), null);
            }
            throw refused("read", key, e);
        } catch (SdkException e) {
            throw unavailable("look up " + key, e);
        }
        // As ingest derives it: from the source and the dataset the job will publish to.
        JobId id = UploadSource.s3(config.bucket(), key, head.versionId(), head.eTag(), head.contentLength())
                .jobId(DatasetName.of(dataset(key)));
        if (head.contentLength() > config.ingestRules().maxObjectBytes()) {
            return fill(out, "rejected", id, dataset(key), "The object is " + head.contentLength()
                    + " bytes, over the limit of " + config.ingestRules().maxObjectBytes() + " (" + dev.efspipe.config.IngestRules.MAX_OBJECT_BYTES + ")");
        }
        Optional<ObjectNode> job = jobs.read(id);
        if (job.isEmpty()) {
            return fill(out, "queued", id, dataset(key), null);
        }
        out.setAll(job.get());
        out.put("key", key);
        return out;
    }

    private ObjectNode fill(ObjectNode out, String state, JobId id, String dataset, String reason) {
        out.put("state", state);
        out.put("jobId", id == null ? null : id.value());
        out.put("dataset", dataset);
        out.putNull("version");
        out.putNull("records");
        out.putNull("progress");
        out.put("reason", reason);
        return out;
    }

    /** The dataset ingest will publish the key to: from the key when this API chose it, else from the name. */
    private static String dataset(String key) {
        return UploadKey.parse(key).map(UploadKey::effectiveDataset).orElseGet(() -> DatasetName.fromObjectKey(key)).value();
    }

    private static void checkKey(String key) throws ApiProblem {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (key.isEmpty() || bytes > RelativePath.MAX_BYTES) {
            throw ApiProblem.badRequest("An object key is 1 to " + RelativePath.MAX_BYTES + " bytes, this one " + bytes);
        }
    }

    private void ours(String key) throws ApiProblem {
        checkKey(key);
        Optional<UploadKey> parsed = UploadKey.parse(key);
        if (parsed.isEmpty() || !parsed.get().prefix().equals(config.uploadPrefix())) {
            throw ApiProblem.notFound("'" + DatasetName.printable(key) + "' is not an upload this API started (keys look like "
                    + config.uploadPrefix() + "<uuid>/<name>)");
        }
    }

    private static String uploadId(JsonNode body) throws ApiProblem {
        String id = JsonBody.text(body, "uploadId");
        if (id.isEmpty() || id.length() > 1024 || id.chars().anyMatch(Character::isISOControl)) {
            throw ApiProblem.badRequest("The field 'uploadId' is not an upload id");
        }
        return id;
    }

    private static ApiProblem refused(String what, String key, S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String detail = "S3 refused to " + what + " '" + DatasetName.printable(key) + "': "
                + (code == null ? "" : code + ": ") + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        int status = e.statusCode();
        if (status == 404 || "NoSuchUpload".equals(code)) {
            return ApiProblem.notFound(detail);
        }
        if (status == 403) {
            return new ApiProblem(403, "Forbidden", detail);
        }
        if (status >= 400 && status < 500) {
            return ApiProblem.badRequest(detail);
        }
        return new ApiProblem(502, "Bad gateway", detail);
    }

    private static IOException unavailable(String what, SdkException e) {
        return new IOException("Could not " + what + " in S3: " + e.getMessage(), e);
    }
}
