package dev.efspipe.api.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.json.Json;
import dev.efspipe.layout.Version;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of records starts: a version (so the cursor stays valid when {@code CURRENT}
 * moves on), a part index and a byte offset into the part's NDJSON (after decompression). Opaque to
 * clients: base64url of {@code {"v","p","o"}}. Validated strictly when it comes back; the reader also
 * checks that the offset falls right after a newline, so a forged cursor can only start at a record.
 */
public record RecordCursor(Version version, int part, long offset) {
    private static final int MAX_CHARS = 512;

    public String encode() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", version.value());
        n.put("p", part);
        n.put("o", offset);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static RecordCursor decode(String cursor) throws ApiProblem {
        if (cursor.isEmpty() || cursor.length() > MAX_CHARS) {
            throw invalid("it is empty or over " + MAX_CHARS + " characters");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid("it is not one this API issued").causedBy(e);
        }
        if (n == null || !n.isObject() || n.size() != 3 || !n.path("v").isTextual() || !n.path("p").isInt()
                || !n.path("o").isIntegralNumber() || !n.path("o").canConvertToLong()) {
            throw invalid("it is not one this API issued");
        }
        if (!Version.isValid(n.path("v").asText()) || n.path("p").asInt() < 0 || n.path("o").asLong() < 0) {
            throw invalid("its fields are out of range");
        }
        return new RecordCursor(new Version(n.path("v").asText()), n.path("p").asInt(), n.path("o").asLong());
    }

    static ApiProblem invalid(String why) {
        return ApiProblem.badRequest("Invalid cursor: " + why + "; use the cursor from the previous page's 'next-cursor' header");
    }
}
