package dev.efspipe.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API refuses, answered as {@code application/problem+json} (RFC 9457): a status, a short
 * title for the kind of problem and a detail that names the value and what was wrong with it. Every bad
 * input becomes one of these, never a 500.
 */
public final class ApiProblem extends Exception {
    public static final String CONTENT_TYPE = "application/problem+json";

    private final int status;
    private final String title;
    private final Map<String, String> headers;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ApiProblem(int status, String title, String detail, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.headers = Map.copyOf(headers);
    }

    /** Keeps what went wrong underneath (for logs); the client sees only the detail. */
    public ApiProblem causedBy(Throwable cause) {
        initCause(cause);
        return this;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad request", detail);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not found", detail);
    }

    public static ApiProblem tooLarge(String detail) {
        return new ApiProblem(413, "Content too large", detail);
    }

    public int status() {
        return status;
    }

    /** The problem document, with {@code instance} set to the request's path. */
    public ApiResponse toResponse(String path) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("type", "about:blank");
        doc.put("title", title);
        doc.put("status", status);
        doc.put("detail", getMessage());
        if (path != null) {
            doc.put("instance", path.length() > 300 ? path.substring(0, 300) + "…" : path);
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("content-type", CONTENT_TYPE);
        return new ApiResponse(status, h, doc.toString().getBytes(StandardCharsets.UTF_8), false);
    }
}
