package dev.efspipe.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What CloudWatch requires of an EMF log line: the document's shape (the JSON schema in
 * {@code src/test/resources/emf/emf-document.schema.json}, written from the EMF specification), and the
 * rules a schema cannot state: every dimension a directive names is a string member of the root, every
 * metric a number member (or an array of at most 100 numbers), and the line is a single JSON object with
 * nothing before or after it. Used by the tests of every side that writes EMF.
 */
public final class EmfSpecification {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(VersionFlag.V7)
            .getSchema(SchemaLocation.of("classpath:emf/emf-document.schema.json"));

    private EmfSpecification() {
    }

    /** The problems of one log line as an EMF document; empty if CloudWatch would accept it. */
    public static List<String> problems(String line) {
        List<String> problems = new ArrayList<>();
        if (line.contains("\n") || line.contains("\r")) {
            problems.add("the document spans more than one line: CloudWatch would see each line as an event");
        }
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (IOException e) {
            problems.add("not JSON: " + e.getMessage());
            return problems;
        }
        if (root == null || !root.isObject()) {
            problems.add("not a JSON object");
            return problems;
        }
        for (ValidationMessage message : SCHEMA.validate(root)) {
            problems.add(message.getMessage());
        }
        for (JsonNode directive : root.path("_aws").path("CloudWatchMetrics")) {
            TreeSet<String> dimensions = new TreeSet<>();
            directive.path("Dimensions").forEach(set -> set.forEach(name -> dimensions.add(name.asText())));
            for (String dimension : dimensions) {
                JsonNode value = root.get(dimension);
                if (value == null || !value.isTextual()) {
                    problems.add("dimension " + dimension + " is not a string member of the root: " + value);
                }
            }
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                JsonNode value = root.get(name);
                boolean number = value != null && value.isNumber();
                boolean numbers = value != null && value.isArray() && value.size() <= 100 && value.size() > 0;
                if (numbers) {
                    for (JsonNode element : value) {
                        numbers &= element.isNumber();
                    }
                }
                if (!number && !numbers) {
                    problems.add("metric " + name + " is not a number (or an array of at most 100 numbers) member of the root: "
                            + value);
                }
                if (dimensions.contains(name)) {
                    problems.add("metric " + name + " is also a dimension");
                }
            }
        }
        return problems;
    }

    /** The lines of a log that are EMF documents (those with an {@code _aws} member). */
    public static List<JsonNode> documents(List<String> lines) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("{")) {
                JsonNode node = JSON.readTree(line);
                if (node.has("_aws")) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }
}
