package dev.efspipe.api.datasets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.RelativePath;
import dev.efspipe.layout.Version;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The published datasets, read through {@link DatasetReader}: only {@code published/}, where every
 * version is complete. Every answer fits {@code maxBytes}: record pages stop at the byte budget as well
 * as at {@code limit}, and files are served in ranges. A file is named by the manifest (its parts and
 * files, and {@code manifest.json} itself), so no path from a request is ever resolved on EFS unless the
 * manifest lists it.
 */
public final class Datasets {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;
    static final int MAX_VERSIONS_LISTED = 1000;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    private final EfsLayout layout;
    private final DatasetReader reader;
    private final long maxBytes;

    public Datasets(EfsLayout layout, long maxBytes) {
        this.layout = layout;
        this.reader = new DatasetReader(layout.root());
        this.maxBytes = maxBytes;
    }

    /**
     * {@code GET /api/datasets?limit=&after=}: names and current versions, in name order, each with its
     * current version's records, bytes (of its parts and files), publication time and source, from that
     * version's manifest (what the web page's list shows).
     */
    public ApiResponse list(ApiRequest r) throws IOException, ApiProblem {
        int limit = limit(r, 1000);
        String after = r.param("after");
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("datasets");
        String last = null;
        boolean more = false;
        for (DatasetName d : reader.datasets()) {
            if (after != null && d.value().compareTo(after) <= 0) {
                continue;
            }
            if (list.size() == limit) {
                more = true;
                break;
            }
            var current = reader.current(d);
            if (current.isPresent()) {
                ObjectNode item = list.addObject().put("name", d.value()).put("current", current.get().value());
                try {
                    summarise(item, reader.manifest(d, current.get()));
                } catch (NoSuchFileException e) {
                    // unpublished since CURRENT was read: listed without its summary
                }
                last = d.value();
            }
        }
        out.put("next", more ? last : null);
        return ApiResponse.json(200, out);
    }

    /**
     * {@code GET /api/datasets/{name}/versions}: the published versions, newest first (at most
     * {@value #MAX_VERSIONS_LISTED}, with {@code more} set when there are others), each with the summary the
     * list gives, and which one is current.
     */
    public ApiResponse versions(String name) throws IOException, ApiProblem {
        DatasetName dataset = dataset(name);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("name", dataset.value());
        out.put("current", reader.current(dataset).map(Version::value).orElse(null));
        ArrayNode list = out.putArray("versions");
        List<Version> versions = new java.util.ArrayList<>(reader.versions(dataset));
        versions.sort(java.util.Comparator.reverseOrder());
        out.put("more", versions.size() > MAX_VERSIONS_LISTED);
        for (Version v : versions.subList(0, Math.min(versions.size(), MAX_VERSIONS_LISTED))) {
            try {
                summarise(list.addObject().put("version", v.value()), reader.manifest(dataset, v));
            } catch (NoSuchFileException e) {
                list.remove(list.size() - 1); // unpublished while we listed
            }
        }
        return ApiResponse.json(200, out);
    }

    private static void summarise(ObjectNode item, Manifest m) {
        long bytes = m.parts().stream().mapToLong(Manifest.Part::bytes).sum() + m.files().stream().mapToLong(Manifest.FileEntry::bytes).sum();
        item.put("records", m.records());
        item.put("bytes", bytes);
        item.put("publishedAt", m.createdAt() == null ? null : m.createdAt().toString());
        item.put("source", m.source() == null ? null : m.source().describe());
    }

    /** {@code GET /api/datasets/{name}?version=}: the manifest. */
    public ApiResponse manifest(String name, ApiRequest r) throws IOException, ApiProblem {
        DatasetName dataset = dataset(name);
        Version version = version(dataset, r.param("version"));
        Path file = layout.version(dataset, version).resolve(EfsLayout.MANIFEST);
        long size = Files.size(file);
        if (size > maxBytes) {
            return new ApiProblem(413, "Manifest too large for one answer", "The manifest of " + dataset + " " + version
                    + " is " + size + " bytes, over " + maxBytes + "; read it in ranges from /api/datasets/" + dataset
                    + "/files/manifest.json?version=" + version).toResponse(null);
        }
        return new ApiResponse(200, Map.of("content-type", ApiResponse.JSON, "x-version", version.value()),
                Files.readAllBytes(file), false);
    }

    /** {@code GET /api/datasets/{name}/records?limit=&cursor=&version=}: one page of NDJSON. */
    public ApiResponse records(String name, ApiRequest r) throws IOException, ApiProblem {
        DatasetName dataset = dataset(name);
        int limit = limit(r, DEFAULT_LIMIT);
        RecordCursor cursor;
        if (r.param("cursor") != null) {
            cursor = RecordCursor.decode(r.param("cursor"));
            if (r.param("version") != null && !r.param("version").equals(cursor.version().value())) {
                throw ApiProblem.badRequest("The cursor is for version " + cursor.version() + ", not " + r.param("version"));
            }
            if (!Files.exists(layout.version(dataset, cursor.version()).resolve(EfsLayout.MANIFEST))) {
                throw new ApiProblem(410, "Gone", "Version " + cursor.version() + " of " + dataset + " is no longer published");
            }
        } else {
            cursor = new RecordCursor(version(dataset, r.param("version")), 0, 0);
        }
        Manifest manifest = reader.manifest(dataset, cursor.version());
        List<Manifest.Part> parts = manifest.parts();
        if (cursor.part() > parts.size() || (cursor.part() == parts.size() && cursor.offset() != 0)) {
            throw RecordCursor.invalid("it points past the last part of " + dataset + " " + cursor.version());
        }
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        int count = 0;
        int part = cursor.part();
        long offset = cursor.offset();
        boolean budgetFull = false;
        while (part < parts.size() && count < limit && !budgetFull) {
            Manifest.Part p = parts.get(part);
            try (InputStream in = openAt(dataset, cursor.version(), p.name(), offset)) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while (count < limit && (b = in.read()) >= 0) {
                    line.write(b);
                    if (line.size() > maxBytes) {
                        break;
                    }
                    if (b == '\n') {
                        if (page.size() + line.size() > maxBytes) {
                            budgetFull = true;
                            break;
                        }
                        line.writeTo(page);
                        offset += line.size();
                        line.reset();
                        count++;
                    }
                }
                if (line.size() > maxBytes || (budgetFull && count == 0)) {
                    throw new ApiProblem(413, "Record too large for one answer", "The record at byte " + offset + " of "
                            + p.name() + " is over " + maxBytes + " bytes; read it in ranges from /api/datasets/" + dataset
                            + "/files/" + p.name() + "?version=" + cursor.version());
                }
                if (!budgetFull && count < limit) {
                    part++;
                    offset = 0;
                }
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/x-ndjson");
        headers.put("x-version", cursor.version().value());
        headers.put("x-records", Integer.toString(count));
        if (part < parts.size()) {
            headers.put("next-cursor", new RecordCursor(cursor.version(), part, offset).encode());
        }
        return new ApiResponse(200, headers, page.toByteArray(), false);
    }

    /** {@code GET /api/datasets/{name}/files/{path}?version=} with an optional {@code Range}. */
    public ApiResponse file(String name, String path, ApiRequest r) throws IOException, ApiProblem {
        DatasetName dataset = dataset(name);
        try {
            path = RelativePath.check("file path", path);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        Version version = version(dataset, r.param("version"));
        Manifest manifest = reader.manifest(dataset, version);
        String wanted = path;
        boolean listed = wanted.equals(EfsLayout.MANIFEST)
                || manifest.parts().stream().anyMatch(p -> p.name().equals(wanted))
                || manifest.files().stream().anyMatch(f -> f.name().equals(wanted));
        if (!listed) {
            throw ApiProblem.notFound("The manifest of " + dataset + " " + version + " lists no file '"
                    + DatasetName.printable(path) + "'");
        }
        Path file = layout.version(dataset, version).resolve(wanted).normalize();
        if (!file.startsWith(layout.version(dataset, version))) {
            throw ApiProblem.badRequest("'" + DatasetName.printable(path) + "' is not inside the version");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long[] range = range(r.header("range"), size);
            long from = range == null ? 0 : range[0];
            long to = range == null ? size - 1 : range[1];
            long length = Math.min(to - from + 1, maxBytes);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, length));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
                // read until full
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("content-type", contentType(wanted));
            headers.put("accept-ranges", "bytes");
            headers.put("x-version", version.value());
            boolean partial = range != null || length < size;
            if (partial && size > 0) {
                headers.put("content-range", "bytes " + from + "-" + (from + length - 1) + "/" + size);
            }
            if (from + length < size) {
                headers.put("x-next-range", "bytes=" + (from + length) + "-");
            }
            return new ApiResponse(partial && size > 0 ? 206 : 200, headers, buf.array(), true);
        } catch (NoSuchFileException e) {
            throw new ApiProblem(410, "Gone", "Version " + version + " of " + dataset + " is no longer published").causedBy(e);
        }
    }

    /** One {@code bytes=} range as [first, last], or null for none; several ranges are refused. */
    static long[] range(String header, long size) throws ApiProblem {
        if (header == null) {
            return null;
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw ApiProblem.badRequest("Range '" + DatasetName.printable(header) + "' is not one 'bytes=first-last',"
                    + " 'bytes=first-' or 'bytes=-suffix'");
        }
        try {
            long first;
            long last;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                first = Math.max(0, size - suffix);
                last = size - 1;
                if (suffix == 0) {
                    throw unsatisfiable(header, size);
                }
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
                if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                    throw ApiProblem.badRequest("Range '" + header + "' ends before it starts");
                }
            }
            if (first >= size) {
                throw unsatisfiable(header, size);
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("Range '" + DatasetName.printable(header) + "' has a number out of range").causedBy(e);
        }
    }

    private static ApiProblem unsatisfiable(String header, long size) {
        return new ApiProblem(416, "Range not satisfiable", "Range '" + DatasetName.printable(header) + "' is outside the "
                + size + " bytes of the file", Map.of("content-range", "bytes */" + size));
    }

    private InputStream openAt(DatasetName dataset, Version version, String part, long offset) throws IOException, ApiProblem {
        InputStream raw = reader.open(dataset, version, part);
        InputStream in = new BufferedInputStream(part.endsWith(".gz") ? new GZIPInputStream(raw, 65536) : raw, 65536);
        try {
            if (offset > 0) {
                long toSkip = offset - 1;
                while (toSkip > 0) {
                    long n = in.skip(toSkip);
                    if (n <= 0) {
                        if (in.read() < 0) {
                            throw RecordCursor.invalid("its offset is past the end of " + part);
                        }
                        n = 1;
                    }
                    toSkip -= n;
                }
                if (in.read() != '\n') {
                    throw RecordCursor.invalid("its offset does not point at the start of a record");
                }
            }
            return in;
        } catch (IOException | ApiProblem | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private DatasetName dataset(String name) throws IOException, ApiProblem {
        DatasetName dataset;
        try {
            dataset = DatasetName.of(name);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        if (reader.current(dataset).isEmpty()) {
            throw ApiProblem.notFound("No published dataset '" + dataset + "'");
        }
        return dataset;
    }

    private Version version(DatasetName dataset, String requested) throws IOException, ApiProblem {
        if (requested == null) {
            return reader.current(dataset).orElseThrow(() -> ApiProblem.notFound("No published dataset '" + dataset + "'"));
        }
        if (!Version.isValid(requested)) {
            throw ApiProblem.badRequest("'" + DatasetName.printable(requested) + "' is not a version name (like 20261126T061500.123Z-3f2a9c0d11be)");
        }
        Version v = new Version(requested);
        if (!Files.exists(layout.version(dataset, v).resolve(EfsLayout.MANIFEST))) {
            throw ApiProblem.notFound("Dataset " + dataset + " has no published version " + v);
        }
        return v;
    }

    private static int limit(ApiRequest r, int fallback) throws ApiProblem {
        String raw = r.param("limit");
        if (raw == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiProblem.badRequest("limit '" + DatasetName.printable(raw) + "' must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static String contentType(String name) {
        if (name.endsWith(".gz")) {
            return "application/gzip";
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            return "application/x-ndjson";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        if (name.endsWith(".txt") || name.endsWith(".csv")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
