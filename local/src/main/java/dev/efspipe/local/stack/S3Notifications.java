package dev.efspipe.local.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S3 event notifications in the JSON AWS sends to an SQS queue (event version 2.1), including S3's
 * form-encoding of the key ({@code " "} becomes {@code +}, {@code +} becomes {@code %2B}, {@code /} stays).
 */
public final class S3Notifications {
    private static final AtomicLong SEQUENCER = new AtomicLong(System.currentTimeMillis() << 16);

    private S3Notifications() {}

    /** The notification for one created object. */
    public static String objectCreated(String eventName, String region, String bucket, String key, long size,
                                       String eTag, String versionId, Instant at) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode records = root.putArray("Records");
        ObjectNode r = records.addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", region);
        r.put("eventTime", at.toString());
        r.put("eventName", eventName);
        r.putObject("userIdentity").put("principalId", "AWS:LOCAL");
        r.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        r.putObject("responseElements").put("x-amz-request-id", Long.toHexString(SEQUENCER.get()))
                .put("x-amz-id-2", "local");
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "local-object-created");
        ObjectNode b = s3.putObject("bucket");
        b.put("name", bucket);
        b.putObject("ownerIdentity").put("principalId", "LOCAL");
        b.put("arn", "arn:aws:s3:::" + bucket);
        ObjectNode o = s3.putObject("object");
        o.put("key", encodeKey(key));
        o.put("size", size);
        if (eTag != null) {
            o.put("eTag", eTag.replace("\"", ""));
        }
        if (versionId != null) {
            o.put("versionId", versionId);
        }
        o.put("sequencer", String.format("%016X", SEQUENCER.incrementAndGet()));
        return root.toString();
    }

    /** Encodes a key the way S3 does in event notifications. */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}
