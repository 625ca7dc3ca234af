package dev.efspipe.ingest;

/**
 * The {@code efs-upload} message, schema version 1: what a web app sends to the ingest queue after it
 * wrote a file into {@code inbox/} on the shared EFS file system (written completely, then renamed into
 * place, so the processor never reads a half-written file).
 *
 * <pre>{@code
 * {
 *   "type": "efs-upload",          // required
 *   "schemaVersion": 1,            // required; other versions are refused
 *   "path": "orders/2026-11-26.zip", // required: relative to inbox/; no "..", no absolute path, no backslash
 *   "size": 123456,                // required: bytes
 *   "uploadId": "8c1f0e2a-...",    // required: unique per upload (a UUID, or the content's SHA-256);
 *                                  //   the same path with a new uploadId is a new upload
 *   "dataset": "orders",           // optional: default derived from the path's file name
 *   "recordPointer": "/data/items", // optional: JSON Pointer to the records
 *   "transforms": ["mask-email",   // optional: record transforms, applied in order (a string, or
 *     {"name": "lookup", "options": {"field": "customerId", "dataset": "customers"}}], // an object);
 *                                  //   [] applies none; absent: the processor's PIPELINE_TRANSFORMS decides
 *   "uploadedAt": "2026-11-26T06:15:00Z" // optional: default the time ingest received it
 * }
 * }</pre>
 *
 * The job's identity is (path, uploadId, size): announcing the same upload twice is one job.
 */
public final class EfsUpload {
    public static final String TYPE = "efs-upload";
    public static final int SCHEMA_VERSION = 1;

    private EfsUpload() {}
}
