package dev.efspipe.ingest;

import dev.efspipe.config.IngestRules;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.efspipe.job.Job;
import dev.efspipe.job.TransformSpec;
import dev.efspipe.job.UploadSource;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.RelativePath;
import dev.efspipe.upload.UploadKey;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The one normaliser for everything that can announce an upload. It reads the announcement as JSON and
 * recognises, in this order:
 * <ol>
 *   <li>S3 event notifications ({@code Records[].s3}), delivered directly or as an SQS body; and SNS records
 *       ({@code Records[].Sns.Message}) of a Lambda subscribed to a topic;</li>
 *   <li>S3's {@code s3:TestEvent} (ignored);</li>
 *   <li>an SNS notification envelope ({@code "Type": "Notification"}) whose {@code Message} is one of these
 *       (S3 to SNS to SQS);</li>
 *   <li>an EventBridge event from {@code aws.s3} ({@code "Object Created"} becomes a job, other detail types
 *       are ignored);</li>
 *   <li>an {@code efs-upload} message a web app sends after writing a file to the EFS inbox
 *       (see {@link EfsUpload});</li>
 *   <li>a job as the processor sends it (a continuation, or a job re-sent by hand), passed through.</li>
 * </ol>
 *
 * <p><b>Keys are decoded exactly once.</b> S3 event notifications form-encode the key ({@code +} is a
 * space, {@code %2B} a plus); it is decoded here, and the job carries the exact key. EventBridge events
 * carry the key as stored and are used as they are. A key is never used as a path: the dataset is
 * derived from it by {@link DatasetName#fromObjectKey}, or, for a key the HTTP API chose, read from it ({@link UploadKey}).
 *
 * <p><b>Out-of-order events.</b> Each distinct object version is its own job, whatever order its
 * announcements arrive in; the processor names a version by the event time, so the dataset's
 * {@code CURRENT} ends on the newest upload even when an older one is processed last. The S3
 * {@code sequencer} travels with the job for diagnostics only: it orders the events of one key, while a
 * dataset may be fed by several keys.
 */
public final class UploadAnnouncements {
    private static final int MAX_ENVELOPES = 3;
    private static final Logger LOG = Logger.getLogger(UploadAnnouncements.class.getName());
    private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    /**
     * What one announcement amounts to.
     *
     * @param jobs    uploads to process
     * @param ignored announcements that are fine but start no job (test events, removals, folder markers,
     *                keys the rules do not accept), with the reason, for the log
     * @param refused uploads that can never be processed (too large, an impossible key), with the reason, for
     *                the dead-letter queue
     */
    public record Announced(List<Job> jobs, List<String> ignored, List<String> refused) {
        static Announced empty() {
            return new Announced(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        void add(Announced other) {
            jobs.addAll(other.jobs);
            ignored.addAll(other.ignored);
            refused.addAll(other.refused);
        }
    }

    private final IngestRules rules;
    private final Clock clock;

    public UploadAnnouncements(IngestRules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    /** Parses a message body and reads it; a body that is not JSON is a {@link BadAnnouncementException}. */
    public Announced read(String body) throws BadAnnouncementException {
        return read(parse(body, "the message body"));
    }

    public Announced read(JsonNode announcement) throws BadAnnouncementException {
        return read(announcement, 0);
    }

    private Announced read(JsonNode node, int depth) throws BadAnnouncementException {
        if (node == null || !node.isObject()) {
            throw new BadAnnouncementException("Not an upload announcement: expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        if (depth > MAX_ENVELOPES) {
            throw new BadAnnouncementException("Not an upload announcement: more than " + MAX_ENVELOPES + " nested envelopes");
        }
        Announced out = Announced.empty();
        if (node.path("Records").isArray()) {
            for (JsonNode record : node.path("Records")) {
                if (record.has("s3")) {
                    out.add(s3Record(record));
                } else if (record.has("Sns")) {
                    out.add(read(parse(text(record.path("Sns"), "Message"), "the SNS record's Message"), depth + 1));
                } else {
                    throw new BadAnnouncementException("Not an upload announcement: a record from '"
                            + record.path("eventSource").asText(record.path("EventSource").asText("?")) + "' has neither s3 nor Sns");
                }
            }
            return out;
        }
        if ("s3:TestEvent".equals(node.path("Event").asText())) {
            out.ignored().add("S3 test event for bucket " + node.path("Bucket").asText("?"));
            return out;
        }
        if ("Notification".equals(node.path("Type").asText()) && node.has("Message")) {
            return read(parse(node.path("Message").asText(), "the SNS notification's Message"), depth + 1);
        }
        if ("aws.s3".equals(node.path("source").asText()) && node.has("detail-type")) {
            return eventBridge(node);
        }
        if (EfsUpload.TYPE.equals(node.path("type").asText())) {
            return efsUpload(node);
        }
        if (node.has("schema") && node.has("id") && node.has("source")) {
            try {
                Job job = Json.MAPPER.treeToValue(node, Job.class);
                out.jobs().add(job);
                return out;
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new BadAnnouncementException("Invalid job message: " + rootMessage(e), e);
            }
        }
        List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        throw new BadAnnouncementException("Not an upload announcement: expected S3 event Records, an SNS notification, "
                + "an aws.s3 EventBridge event, an efs-upload message or a job; found fields " + fields);
    }

    private Announced s3Record(JsonNode record) throws BadAnnouncementException {
        Announced out = Announced.empty();
        String event = record.path("eventName").asText("");
        JsonNode s3 = record.path("s3");
        String bucket = text(s3.path("bucket"), "name");
        String rawKey = text(s3.path("object"), "key");
        if (!event.startsWith("ObjectCreated:")) {
            out.ignored().add("S3 event " + event + " for s3://" + bucket + "/" + rawKey + ": only ObjectCreated events start jobs");
            return out;
        }
        String key;
        try {
            key = decodeKey(rawKey);
        } catch (IllegalArgumentException e) {
            throw new BadAnnouncementException("S3 record for bucket " + bucket + " has a malformed encoded key '"
                    + DatasetName.printable(rawKey) + "': " + e.getMessage(), e);
        }
        JsonNode object = s3.path("object");
        return upload(UploadSource.s3(bucket, key, nullIfBlank(object.path("versionId").asText(null)),
                nullIfBlank(object.path("eTag").asText(null)), object.path("size").asLong(0)),
                instant(record, "eventTime", "S3 record for s3://" + bucket + "/" + key), nullIfBlank(object.path("sequencer").asText(null)));
    }

    private Announced eventBridge(JsonNode event) throws BadAnnouncementException {
        Announced out = Announced.empty();
        String type = event.path("detail-type").asText();
        JsonNode detail = event.path("detail");
        String bucket = text(detail.path("bucket"), "name");
        String key = text(detail.path("object"), "key");
        if (!"Object Created".equals(type)) {
            out.ignored().add("EventBridge " + type + " for s3://" + bucket + "/" + key + ": only Object Created starts jobs");
            return out;
        }
        JsonNode object = detail.path("object");
        return upload(UploadSource.s3(bucket, key, nullIfBlank(object.path("version-id").asText(null)),
                nullIfBlank(object.path("etag").asText(null)), object.path("size").asLong(0)),
                instant(event, "time", "EventBridge event for s3://" + bucket + "/" + key), nullIfBlank(object.path("sequencer").asText(null)));
    }

    private Announced efsUpload(JsonNode node) throws BadAnnouncementException {
        int version = node.path("schemaVersion").asInt(-1);
        if (version != EfsUpload.SCHEMA_VERSION) {
            throw new BadAnnouncementException("efs-upload schemaVersion " + node.path("schemaVersion")
                    + " is not supported (this build reads " + EfsUpload.SCHEMA_VERSION + ")");
        }
        String path;
        try {
            path = RelativePath.check("efs-upload path", text(node, "path"));
        } catch (IllegalArgumentException e) {
            throw new BadAnnouncementException(e.getMessage() + " (paths are relative to inbox/)", e);
        }
        String uploadId = text(node, "uploadId");
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new BadAnnouncementException("efs-upload uploadId '" + DatasetName.printable(uploadId)
                    + "' must be 1-200 of A-Z a-z 0-9 . _ : -");
        }
        if (!node.path("size").canConvertToLong() || node.path("size").asLong() < 0) {
            throw new BadAnnouncementException("efs-upload for '" + path + "' needs a size in bytes, got " + node.path("size"));
        }
        Announced out = upload(UploadSource.efs(path, uploadId, node.path("size").asLong()),
                instant(node, "uploadedAt", "efs-upload for '" + path + "'"), null);
        List<TransformSpec> transforms = node.has("transforms") ? transforms(node.get("transforms"), path) : null;
        if (transforms != null) {
            List<Job> chosen = new ArrayList<>();
            out.jobs().forEach(job -> chosen.add(job.withTransforms(transforms)));
            out.jobs().clear();
            out.jobs().addAll(chosen);
        }
        if (node.hasNonNull("dataset") || node.hasNonNull("recordPointer")) {
            List<Job> adjusted = new ArrayList<>();
            for (Job job : out.jobs()) {
                try {
                    adjusted.add(Job.of(job.source(),
                            node.hasNonNull("dataset") ? DatasetName.of(node.path("dataset").asText()) : job.dataset(),
                            job.announcedAt(), null,
                            node.hasNonNull("recordPointer") ? node.path("recordPointer").asText() : job.recordPointer())
                            .withTransforms(job.transforms()));
                } catch (IllegalArgumentException e) {
                    throw new BadAnnouncementException("efs-upload for '" + path + "': " + e.getMessage(), e);
                }
            }
            out.jobs().clear();
            out.jobs().addAll(adjusted);
        }
        return out;
    }

    /**
     * The {@code transforms} of an {@code efs-upload} message: an array of transforms, each a string
     * ({@code "mask-email"}, {@code "lookup(field=customerId,dataset=customers)"}) or an object
     * ({@code {"name": "lookup", "options": {"field": "customerId"}}}); an empty array applies none.
     */
    private static List<TransformSpec> transforms(JsonNode node, String path) throws BadAnnouncementException {
        if (!node.isArray()) {
            throw new BadAnnouncementException("efs-upload for '" + path + "': transforms must be an array, got " + node.getNodeType());
        }
        List<TransformSpec> chain = new ArrayList<>();
        for (JsonNode t : node) {
            try {
                if (t.isTextual()) {
                    chain.addAll(TransformSpec.parseChain(t.asText()));
                } else if (t.isObject() && t.path("name").isTextual()) {
                    Map<String, String> options = new LinkedHashMap<>();
                    JsonNode o = t.path("options");
                    if (!o.isMissingNode() && !o.isNull() && !o.isObject()) {
                        throw new IllegalArgumentException("options of transform '" + t.path("name").asText() + "' must be an object");
                    }
                    for (var field : (Iterable<Map.Entry<String, JsonNode>>) o::fields) {
                        if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                            throw new IllegalArgumentException("option " + field.getKey() + " of transform '" + t.path("name").asText()
                                    + "' must be a string, number or boolean");
                        }
                        options.put(field.getKey(), field.getValue().asText());
                    }
                    chain.add(new TransformSpec(t.path("name").asText(), options));
                } else {
                    throw new IllegalArgumentException("each transform is a string or an object with a name, got " + t);
                }
            } catch (IllegalArgumentException e) {
                throw new BadAnnouncementException("efs-upload for '" + path + "': " + e.getMessage(), e);
            }
        }
        return chain;
    }

    /** Applies the rules to one created object and makes its job. */
    private Announced upload(UploadSource source, Instant at, String sequencer) {
        Announced out = Announced.empty();
        String key = source.key();
        String where = source.describe();
        int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (keyBytes > RelativePath.MAX_BYTES) {
            out.refused().add(DatasetName.printable(where) + ": the key is " + keyBytes + " bytes; S3 keys are at most "
                    + RelativePath.MAX_BYTES);
            return out;
        }
        if (key.endsWith("/") && source.size() == 0) {
            out.ignored().add("folder marker " + where);
            return out;
        }
        var rejection = rules.rejection(key);
        if (rejection.isPresent()) {
            out.ignored().add(where + ": " + rejection.get());
            return out;
        }
        if (source.size() > rules.maxObjectBytes()) {
            out.refused().add(where + " is " + source.size() + " bytes, over the limit of " + rules.maxObjectBytes()
                    + " (" + IngestRules.MAX_OBJECT_BYTES + ")");
            return out;
        }
        // A key the HTTP API chose carries the upload's dataset and record pointer (see UploadKey).
        var chosen = source.scheme() == dev.efspipe.job.UploadSource.Scheme.S3 ? UploadKey.parse(key) : java.util.Optional.<UploadKey>empty();
        DatasetName dataset = chosen.map(UploadKey::effectiveDataset).orElseGet(() -> DatasetName.fromObjectKey(key));
        String pointer = chosen.map(UploadKey::recordPointer).orElseGet(() -> rules.recordPointer(key));
        out.jobs().add(Job.of(source, dataset, at, sequencer, pointer));
        return out;
    }

    /** Decodes an event's object key once: {@code +} becomes a space and {@code %XX} the byte it names (UTF-8). */
    public static String decodeKey(String eventKey) {
        return URLDecoder.decode(eventKey, StandardCharsets.UTF_8);
    }

    /**
     * The time of an announcement, which names (and so orders) the dataset's versions. Missing, it is now
     * (logged for S3 and EventBridge, which always set it; optional in efs-upload); present but not an ISO-8601
     * time with an offset, the announcement is refused rather than given a made-up place in the order.
     */
    private Instant instant(JsonNode node, String field, String what) throws BadAnnouncementException {
        String text = node.path(field).asText(null);
        if (text == null || text.isBlank()) {
            if (!field.equals("uploadedAt")) {
                LOG.warning(what + " has no " + field + "; its version is named by the time it was read");
            }
            return clock.instant();
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadAnnouncementException(what + ": " + field + " '" + DatasetName.printable(text)
                    + "' is not an ISO-8601 time such as 2026-11-26T06:00:00Z; it orders the dataset's versions", e);
        }
    }

    private static JsonNode parse(String json, String what) throws BadAnnouncementException {
        if (json == null) {
            throw new BadAnnouncementException("Not an upload announcement: " + what + " is missing");
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadAnnouncementException("Not an upload announcement: " + what + " is not JSON ("
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")", e);
        }
    }

    private static String text(JsonNode node, String field) throws BadAnnouncementException {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new BadAnnouncementException("Not an upload announcement: the field '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static String nullIfBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
