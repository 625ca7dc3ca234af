package dev.efspipe.api.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the service sees it, whatever carried it (an API Gateway event, the local server).
 *
 * @param method   upper case
 * @param rawPath  as sent, still percent-encoded (the router decodes each segment once)
 * @param query    decoded parameters; a repeated name keeps its first value
 * @param headers  names in lower case
 * @param body     the decoded body, empty when there is none
 */
public record ApiRequest(String method, String rawPath, Map<String, String> query, Map<String, String> headers, byte[] body) {
    public ApiRequest {
        method = method.toUpperCase(Locale.ROOT);
        query = Map.copyOf(query);
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        headers = Map.copyOf(lower);
        body = body == null ? new byte[0] : body;
    }

    /** Parses a raw query string ({@code a=1&b=x%20y}); a malformed escape is a {@link ApiProblem} 400. */
    public static Map<String, String> parseQuery(String raw) throws ApiProblem {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("The query string has a malformed escape: " + e.getMessage());
            }
        }
        return out;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String param(String name) {
        return query.get(name);
    }
}
