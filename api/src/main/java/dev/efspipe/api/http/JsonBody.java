package dev.efspipe.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.efspipe.json.Json;
import dev.efspipe.layout.DatasetName;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A request's JSON object body, read strictly: bounded, an object, no field the route does not know. */
public final class JsonBody {
    /** JSON requests are small (a name and a size, or up to 10,000 part ETags). */
    public static final int MAX_BYTES = 1 << 20;

    private JsonBody() {}

    public static ObjectNode object(ApiRequest request, Set<String> allowed) throws ApiProblem {
        byte[] body = request.body();
        if (body.length > MAX_BYTES) {
            throw ApiProblem.tooLarge("The JSON body is " + body.length + " bytes, over the limit of " + MAX_BYTES);
        }
        if (body.length == 0) {
            throw ApiProblem.badRequest("The request needs a JSON object body with " + allowed);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("The body is not JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw ApiProblem.badRequest("The body is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("The body must be a JSON object, got " + (node == null ? "nothing"
                    : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                unknown.add(DatasetName.printable(f));
            }
        });
        if (!unknown.isEmpty()) {
            throw ApiProblem.badRequest("Unknown field(s) " + unknown + "; this request takes " + allowed);
        }
        return (ObjectNode) node;
    }

    /** A required string field. */
    public static String text(JsonNode body, String field) throws ApiProblem {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiProblem.badRequest("The field '" + field + "' is required");
        }
        if (!v.isTextual()) {
            throw ApiProblem.badRequest("The field '" + field + "' must be a string, got " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return v.asText();
    }

    /** An optional string field, null when absent or null. */
    public static String optionalText(JsonNode body, String field) throws ApiProblem {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : text(body, field);
    }

    /** A required whole number in {@code [min, max]}. */
    public static long number(JsonNode body, String field, long min, long max) throws ApiProblem {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiProblem.badRequest("The field '" + field + "' is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiProblem.badRequest("The field '" + field + "' must be a whole number, got " + DatasetName.printable(v.toString()));
        }
        long n = v.asLong();
        if (n < min || n > max) {
            throw ApiProblem.badRequest("The field '" + field + "' is " + n + "; it must be between " + min + " and " + max);
        }
        return n;
    }
}
