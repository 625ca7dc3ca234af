package dev.efspipe.layout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a value type written either as a plain JSON string (job record schema 2 on) or as the object
 * {@code {"value": "…"}} that earlier builds wrote for records without a {@code @JsonValue}.
 */
final class JsonValues {
    private JsonValues() {}

    static String text(JsonNode node, String what) {
        if (node != null && node.isTextual()) {
            return node.textValue();
        }
        if (node != null && node.isObject() && node.size() == 1 && node.path("value").isTextual()) {
            return node.get("value").textValue();
        }
        String shown = node == null ? "nothing" : DatasetName.printable(node.toString());
        throw new IllegalArgumentException("A " + what + " must be a JSON string, got " + shown);
    }
}
