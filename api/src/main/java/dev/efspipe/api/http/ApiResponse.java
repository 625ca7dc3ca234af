package dev.efspipe.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.efspipe.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP response: status, headers and a body that always fits one Lambda response (the service
 * bounds every body by {@code maxResponseBytes} before it gets here).
 *
 * @param binary whether the body must travel base64-encoded (anything that is not UTF-8 text)
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, boolean binary) {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse text(int status, String text) {
        return new ApiResponse(status, Map.of("content-type", TEXT), text.getBytes(StandardCharsets.UTF_8), false);
    }

    public static ApiResponse json(int status, Object value) {
        try {
            return new ApiResponse(status, Map.of("content-type", JSON), Json.MAPPER.writeValueAsBytes(value), false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a response as JSON: " + e.getMessage(), e);
        }
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, h, body, binary);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
