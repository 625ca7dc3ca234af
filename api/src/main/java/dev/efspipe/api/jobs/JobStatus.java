package dev.efspipe.api.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.job.FailureRecord;
import dev.efspipe.layout.JobId;
import dev.efspipe.job.JobRecord;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * What EFS says about one job, read without locks: job records and failure records are replaced
 * atomically, so each read sees a whole one. The state is the record's, never guessed:
 * {@code processing} (claimed, with the processor's progress), {@code suspended} (at a checkpoint, a
 * continuation on its way), {@code published} (with the version's record count from its manifest) or
 * {@code failed} (with the reason from {@code failed/}).
 */
public final class JobStatus {
    private final EfsLayout layout;
    private final DatasetReader reader;

    public JobStatus(EfsLayout layout) {
        this.layout = layout;
        this.reader = new DatasetReader(layout.root());
    }

    /** The job's fields ({@code state}, {@code jobId}, {@code dataset}, {@code version}, ...), or empty if EFS has no record of it. */
    public Optional<ObjectNode> read(JobId id) throws IOException {
        JsonNode tree = readTree(layout.jobRecord(id));
        FailureRecord failure = readFailure(id);
        if (tree == null && failure == null) {
            return Optional.empty();
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("jobId", id.value());
        if (tree == null) {
            out.put("state", "failed");
            out.put("dataset", failure.dataset());
            out.putNull("version");
            out.putNull("records");
            out.putNull("progress");
            out.put("reason", failure.reason());
            return Optional.of(out);
        }
        JobRecord record = Json.MAPPER.treeToValue(tree, JobRecord.class);
        String state = failure != null ? "failed" : switch (record.state()) {
            case CLAIMED -> "processing";
            case SUSPENDED -> "suspended";
            case PUBLISHED -> "published";
            case FAILED -> "failed";
        };
        out.put("state", state);
        out.put("dataset", record.job().dataset().value());
        out.put("version", record.version().value());
        Long records = state.equals("published") ? publishedRecords(record) : null;
        if (records == null) {
            out.putNull("records");
        } else {
            out.put("records", records);
        }
        JsonNode progress = tree.get("progress");
        if (progress != null && progress.isObject() && (state.equals("processing") || state.equals("suspended"))) {
            out.set("progress", progress);
        } else {
            out.putNull("progress");
        }
        String reason = failure != null ? failure.reason() : record.reason();
        if (state.equals("failed") && reason != null) {
            out.put("reason", reason);
        } else {
            out.putNull("reason");
        }
        out.put("attempts", record.attempts());
        out.put("updatedAt", record.updatedAt().toString());
        out.put("source", record.job().source().describe());
        return Optional.of(out);
    }

    private Long publishedRecords(JobRecord record) throws IOException {
        DatasetName dataset = record.job().dataset();
        try {
            Manifest m = reader.manifest(dataset, record.version());
            return m.records();
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null; // unpublished since: the job's state stays what it was
        }
    }

    private FailureRecord readFailure(JobId id) throws IOException {
        JsonNode tree = readTree(layout.failedRecord(id));
        return tree == null ? null : Json.MAPPER.treeToValue(tree, FailureRecord.class);
    }

    private static JsonNode readTree(java.nio.file.Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        JsonNode tree = Json.MAPPER.readTree(bytes);
        if (tree == null || !tree.isObject()) {
            // Records are created whole (link of a complete file) and replaced atomically; anything else was
            // written by something other than this pipeline.
            throw new IOException(file + " is not a JSON object (" + bytes.length + " bytes)");
        }
        return tree;
    }
}
