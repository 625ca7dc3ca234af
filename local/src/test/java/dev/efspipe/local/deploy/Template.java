package dev.efspipe.local.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The project's {@code template.yaml}, read as CloudFormation reads it (short-form tags in their long
 * forms, see {@link CloudFormationYaml}), with the look-ups the template tests share. Values stay the
 * plain maps and lists SnakeYAML builds, so an intrinsic function compares equal to its long form:
 * {@code Map.of("Ref", "ProcessQueue")}.
 */
final class Template {

    static final String FILE = "template.yaml";

    private final Map<String, Object> root;

    private Template(Map<String, Object> root) {
        this.root = root;
    }

    /** The project's template.yaml. */
    static Template ofProject() throws IOException {
        return new Template(CloudFormationYaml.read(projectRoot().resolve(FILE)));
    }

    /**
     * The project root: the {@code project.root} system property that the module's Surefire
     * configuration sets, or else the nearest directory above the working directory that holds
     * {@code template.yaml} (a run from an IDE).
     */
    static Path projectRoot() {
        String configured = System.getProperty("project.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir;
            }
        }
        throw new IllegalStateException("No " + FILE + " in " + Path.of("").toAbsolutePath()
                + " or above it, and no project.root system property");
    }

    Map<String, Object> root() {
        return root;
    }

    /** A top-level section (Parameters, Conditions, Resources, Outputs, Globals, ...), empty if absent. */
    Map<String, Object> section(String name) {
        return mapOf(root.getOrDefault(name, Map.of()));
    }

    Map<String, Object> parameters() {
        return section("Parameters");
    }

    Map<String, Object> conditions() {
        return section("Conditions");
    }

    Map<String, Object> resources() {
        return section("Resources");
    }

    Map<String, Object> outputs() {
        return section("Outputs");
    }

    Map<String, Map<String, Object>> resourcesWhere(Predicate<String> typeMatches) {
        Map<String, Map<String, Object>> matching = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            Map<String, Object> body = mapOf(resource);
            if (typeMatches.test(String.valueOf(body.get("Type")))) {
                matching.put(id, body);
            }
        });
        return matching;
    }

    Map<String, Map<String, Object>> resourcesOfType(String type) {
        return resourcesWhere(type::equals);
    }

    Map<String, Object> resource(String logicalId) {
        Object resource = resources().get(logicalId);
        assertThat(resource).as("resource %s in %s", logicalId, FILE).isNotNull();
        return mapOf(resource);
    }

    String typeOf(String logicalId) {
        return String.valueOf(resource(logicalId).get("Type"));
    }

    Map<String, Object> propertiesOf(String logicalId) {
        return properties(resource(logicalId));
    }

    static Map<String, Object> properties(Map<String, Object> resource) {
        return mapOf(resource.getOrDefault("Properties", Map.of()));
    }

    Map<String, Object> globalFunctionProperties() {
        return mapOf(section("Globals").getOrDefault("Function", Map.of()));
    }

    /** A function's property, else the one it inherits from Globals, else the fallback. */
    Object functionProperty(String functionId, String name, Object fallback) {
        Object own = propertiesOf(functionId).get(name);
        return own != null ? own : globalFunctionProperties().getOrDefault(name, fallback);
    }

    /** A function's environment variables, those from Globals included (SAM merges them, the function's winning). */
    Map<String, Object> environmentOf(String functionId) {
        Map<String, Object> variables = new LinkedHashMap<>(variablesOf(globalFunctionProperties()));
        variables.putAll(variablesOf(propertiesOf(functionId)));
        return variables;
    }

    static Map<String, Object> variablesOf(Map<String, Object> functionProperties) {
        Map<String, Object> environment = mapOf(functionProperties.getOrDefault("Environment", Map.of()));
        return mapOf(environment.getOrDefault("Variables", Map.of()));
    }

    /** Properties of every SQS event of every function, keyed "FunctionId/EventName". */
    Map<String, Map<String, Object>> sqsEventSources() {
        Map<String, Map<String, Object>> sources = new LinkedHashMap<>();
        resourcesOfType("AWS::Serverless::Function").forEach((functionId, function) ->
                mapOf(properties(function).getOrDefault("Events", Map.of())).forEach((eventName, event) -> {
                    Map<String, Object> body = mapOf(event);
                    if ("SQS".equals(body.get("Type"))) {
                        sources.put(functionId + "/" + eventName, mapOf(body.getOrDefault("Properties", Map.of())));
                    }
                }));
        return sources;
    }

    /** The queue (logical id) that a function's SQS event sources consume; exactly one is expected. */
    String queueConsumedBy(String functionId) {
        List<String> queues = sqsEventSources().entrySet().stream()
                .filter(source -> source.getKey().startsWith(functionId + "/"))
                .map(source -> getAttResource(source.getValue().get("Queue"), "Queue of " + source.getKey()))
                .distinct()
                .toList();
        assertThat(queues).as("queues that %s consumes", functionId).hasSize(1);
        return queues.get(0);
    }

    /** The dead-letter queue (logical id) that a queue's RedrivePolicy moves messages to. */
    String deadLetterQueueOf(String queueId) {
        Object redrive = propertiesOf(queueId).get("RedrivePolicy");
        assertThat(redrive).as("RedrivePolicy of %s", queueId).isNotNull();
        return getAttResource(mapOf(redrive).get("deadLetterTargetArn"), "deadLetterTargetArn of " + queueId);
    }

    /** A number, or a {@code Ref} to a parameter, which counts with its default. */
    int intValue(Object value) {
        if (value instanceof Map<?, ?> map && map.containsKey("Ref")) {
            String name = String.valueOf(map.get("Ref"));
            Object parameter = parameters().get(name);
            assertThat(parameter).as("parameter %s", name).isNotNull();
            Object fallback = mapOf(parameter).get("Default");
            assertThat(fallback).as("Default of parameter %s", name).isNotNull();
            return intValue(fallback);
        }
        if (value instanceof Number number) {
            return number.intValue();
        }
        return Integer.parseInt(String.valueOf(value).trim());
    }

    // ------------------------------------------------------------------ evaluation under parameters

    /** What {@code !Ref AWS::NoValue} evaluates to: the property is left out. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    /**
     * A value as CloudFormation would see it for the given parameter values (the others at their
     * defaults): {@code Fn::If} takes its branch, conditions and {@code Ref}s to parameters are
     * evaluated, {@code !Ref AWS::NoValue} becomes {@link #NO_VALUE}; everything else (references to
     * resources, {@code Fn::Sub}, {@code Fn::GetAtt}) stays as written, inside evaluated containers.
     */
    Object evaluate(Object value, Map<String, ?> parameterValues) {
        if (value instanceof List<?> list) {
            return list.stream().map(item -> evaluate(item, parameterValues)).filter(item -> item != NO_VALUE).toList();
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (map.size() == 1) {
            String function = String.valueOf(map.keySet().iterator().next());
            Object argument = map.values().iterator().next();
            switch (function) {
                case "Fn::If" -> {
                    List<Object> arguments = listOf(argument);
                    boolean condition = condition(String.valueOf(arguments.get(0)), parameterValues);
                    return evaluate(arguments.get(condition ? 1 : 2), parameterValues);
                }
                case "Ref" -> {
                    String name = String.valueOf(argument);
                    if (name.equals("AWS::NoValue")) {
                        return NO_VALUE;
                    }
                    if (parameters().containsKey(name)) {
                        return parameterValue(name, parameterValues);
                    }
                    return value;
                }
                default -> { }
            }
        }
        Map<String, Object> evaluated = new LinkedHashMap<>();
        map.forEach((key, child) -> {
            Object result = evaluate(child, parameterValues);
            if (result != NO_VALUE) {
                evaluated.put(String.valueOf(key), result);
            }
        });
        return evaluated;
    }

    /** A named condition of the Conditions section, for the given parameter values. */
    boolean condition(String name, Map<String, ?> parameterValues) {
        Object definition = conditions().get(name);
        assertThat(definition).as("condition %s", name).isNotNull();
        return conditionValue(definition, parameterValues);
    }

    private boolean conditionValue(Object expression, Map<String, ?> parameterValues) {
        Map<String, Object> map = mapOf(expression);
        assertThat(map).as("a condition function: %s", expression).hasSize(1);
        String function = map.keySet().iterator().next();
        Object argument = map.get(function);
        return switch (function) {
            case "Condition" -> condition(String.valueOf(argument), parameterValues);
            case "Fn::Not" -> !conditionValue(listOf(argument).get(0), parameterValues);
            case "Fn::And" -> listOf(argument).stream().allMatch(part -> conditionValue(part, parameterValues));
            case "Fn::Or" -> listOf(argument).stream().anyMatch(part -> conditionValue(part, parameterValues));
            case "Fn::Equals" -> {
                List<Object> sides = listOf(argument);
                yield String.valueOf(evaluate(sides.get(0), parameterValues))
                        .equals(String.valueOf(evaluate(sides.get(1), parameterValues)));
            }
            default -> throw new AssertionError("not a condition function: " + expression);
        };
    }

    private Object parameterValue(String name, Map<String, ?> parameterValues) {
        if (parameterValues.containsKey(name)) {
            return parameterValues.get(name);
        }
        Object fallback = mapOf(parameters().get(name)).get("Default");
        assertThat(fallback).as("Default of parameter %s (or give it a value)", name).isNotNull();
        return fallback;
    }

    // ------------------------------------------------------------------ intrinsic functions

    static Map<String, Object> ref(String name) {
        return Map.of("Ref", name);
    }

    static Map<String, Object> getAtt(String logicalId, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
    }

    /** The logical id in {@code {"Fn::GetAtt": [id, attribute]}}, the form a same-stack reference takes. */
    static String getAttResource(Object value, String what) {
        assertThat(value).as("%s: a !GetAtt of a resource in this template", what).isInstanceOf(Map.class);
        Object getAtt = mapOf(value).get("Fn::GetAtt");
        assertThat(getAtt).as("%s: a !GetAtt of a resource in this template, got %s", what, value).isNotNull();
        return String.valueOf(listOf(getAtt).get(0));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mapOf(Object value) {
        assertThat(value).as("a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    /** A YAML sequence, or a single value where CloudFormation accepts one in place of a list. */
    @SuppressWarnings("unchecked")
    static List<Object> listOf(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> list ? (List<Object>) list : List.of(value);
    }
}
