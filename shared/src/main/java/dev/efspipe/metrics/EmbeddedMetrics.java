package dev.efspipe.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Writes metrics as CloudWatch Embedded Metric Format (EMF): one JSON log line per {@link Document}, which
 * CloudWatch Logs turns into metrics when the line reaches a log group (Lambda sends stdout and stderr
 * there). The shape, from the EMF specification:
 *
 * <pre>{@code
 * {"_aws": {"Timestamp": 1764617400000,
 *           "CloudWatchMetrics": [{"Namespace": "efspipe",
 *                                  "Dimensions": [["Function"], ["Function", "Dataset"]],
 *                                  "Metrics": [{"Name": "JobsPublished", "Unit": "Count"}]}]},
 *  "Function": "efspipe-ProcessorFunction-1A2B", "Dataset": "orders", "JobsPublished": 1, "jobId": "3f..."}
 * }</pre>
 *
 * Every dimension and metric the directive names is a member of the root (the specification's "target
 * members"): dimensions as strings, metric values as numbers. Other members ({@link Document#property}) are
 * kept in the log line, searchable in Logs Insights, but are not metrics. The specification's limits are
 * checked as a document is built: at most 100 metrics and 30 dimensions, names of at most 1,024 (metrics) and
 * 250 (dimensions) characters, dimension values of at most 1,024 characters, finite values.
 *
 * <p>Cost: every distinct combination of dimension values is a custom metric, billed monthly. Keep
 * dimensions to bounded sets (a function name, an outcome, a reason code); never a job id or a key.
 *
 * <p>No dependency beyond Jackson's streaming generator (for JSON escaping); thread-safe (a document is
 * built by one thread, and the sink receives whole lines).
 */
public final class EmbeddedMetrics {

    /** CloudWatch's metric units (the ones this project uses, and the EMF enum's other common ones). */
    public enum Unit {
        COUNT("Count"), BYTES("Bytes"), MILLISECONDS("Milliseconds"), SECONDS("Seconds"), PERCENT("Percent"),
        BYTES_PER_SECOND("Bytes/Second"), COUNT_PER_SECOND("Count/Second"), NONE("None");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        /** The unit as CloudWatch spells it. */
        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    static final int MAX_METRICS = 100;
    static final int MAX_DIMENSIONS = 30;
    static final int MAX_METRIC_NAME = 1024;
    static final int MAX_DIMENSION_NAME = 250;
    static final int MAX_DIMENSION_VALUE = 1024;
    private static final Pattern NAME = Pattern.compile("\\S(.*\\S)?");
    private static final JsonFactory JSON = new JsonFactory();

    private final String namespace;
    private final Map<String, String> baseDimensions;
    private final Consumer<String> sink;
    private final Clock clock;

    /**
     * @param namespace      the CloudWatch namespace of every metric
     * @param baseDimensions dimensions every document carries (a function's name), in order; may be empty
     * @param sink           receives each document as one line, without the line break
     */
    public EmbeddedMetrics(String namespace, Map<String, String> baseDimensions, Consumer<String> sink, Clock clock) {
        if (namespace == null || namespace.isEmpty() || namespace.length() > 255 || !NAME.matcher(namespace).matches()) {
            throw new IllegalArgumentException("A CloudWatch namespace is 1 to 255 characters, without leading or trailing"
                    + " spaces; got '" + namespace + "'");
        }
        this.namespace = namespace;
        this.baseDimensions = new LinkedHashMap<>();
        baseDimensions.forEach((name, value) -> this.baseDimensions.put(checkDimensionName(name), checkDimensionValue(name, value)));
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String namespace() {
        return namespace;
    }

    /** A new, empty document with the base dimensions. */
    public Document document() {
        return new Document();
    }

    /**
     * One EMF log line under construction: metrics with their units, the dimension sets they are published
     * under, and plain properties. {@link #emit()} writes it (if it has any metric) and clears its metrics.
     */
    public final class Document {
        private final Map<String, String> dimensions = new LinkedHashMap<>(baseDimensions);
        /** Each set lists dimension names; the first set is the base dimensions plus every {@link #dimension}. */
        private final List<List<String>> dimensionSets = new ArrayList<>();
        private final Map<String, Double> values = new LinkedHashMap<>();
        private final Map<String, Unit> units = new LinkedHashMap<>();
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Document() {
            dimensionSets.add(new ArrayList<>(baseDimensions.keySet()));
        }

        /** Adds a dimension to every dimension set of this document (its metrics are then split by it). */
        public Document dimension(String name, String value) {
            putDimension(name, value);
            for (List<String> set : dimensionSets) {
                set.add(name);
            }
            return this;
        }

        /**
         * Publishes the metrics a second time, under the base dimensions plus this one (an extra dimension
         * set), so that aggregates by the base dimensions stay available. Costs one metric per value.
         */
        public Document alsoBy(String name, String value) {
            putDimension(name, value);
            List<String> set = new ArrayList<>(baseDimensions.keySet());
            set.add(name);
            dimensionSets.add(set);
            return this;
        }

        /** Adds {@code value} to the metric {@code name} (a metric recorded twice in one document is summed). */
        public Document add(String name, double value, Unit unit) {
            checkMetricName(name);
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("Metric " + name + " must be a finite number, got " + value);
            }
            Unit known = units.putIfAbsent(name, Objects.requireNonNull(unit, "unit"));
            if (known != null && known != unit) {
                throw new IllegalArgumentException("Metric " + name + " is in " + known.cloudWatchName() + ", not "
                        + unit.cloudWatchName());
            }
            if (!values.containsKey(name) && values.size() == MAX_METRICS) {
                throw new IllegalArgumentException("An EMF document holds at most " + MAX_METRICS + " metrics; " + name
                        + " would be one more");
            }
            values.merge(name, value, Double::sum);
            return this;
        }

        public Document count(String name, long value) {
            return add(name, value, Unit.COUNT);
        }

        /** A plain member of the log line: searchable, not a metric, not a dimension (a job id, a request id). */
        public Document property(String name, Object value) {
            if (name == null || name.isEmpty() || name.equals("_aws") || dimensions.containsKey(name) || units.containsKey(name)) {
                throw new IllegalArgumentException("Property name '" + name + "' is empty, reserved, or already a metric"
                        + " or dimension of this document");
            }
            properties.put(name, value);
            return this;
        }

        public boolean isEmpty() {
            return values.isEmpty();
        }

        /** The document as one line of JSON. */
        public String toJson() {
            StringWriter text = new StringWriter();
            try (JsonGenerator json = JSON.createGenerator(text)) {
                json.writeStartObject();
                json.writeObjectFieldStart("_aws");
                json.writeNumberField("Timestamp", clock.millis());
                json.writeArrayFieldStart("CloudWatchMetrics");
                json.writeStartObject();
                json.writeStringField("Namespace", namespace);
                json.writeArrayFieldStart("Dimensions");
                for (List<String> set : dimensionSets) {
                    json.writeStartArray();
                    for (String dimension : set) {
                        json.writeString(dimension);
                    }
                    json.writeEndArray();
                }
                json.writeEndArray();
                json.writeArrayFieldStart("Metrics");
                for (Map.Entry<String, Unit> metric : units.entrySet()) {
                    json.writeStartObject();
                    json.writeStringField("Name", metric.getKey());
                    json.writeStringField("Unit", metric.getValue().cloudWatchName());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
                json.writeEndArray();
                json.writeEndObject();
                for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
                    json.writeStringField(dimension.getKey(), dimension.getValue());
                }
                for (Map.Entry<String, Double> value : values.entrySet()) {
                    double number = value.getValue();
                    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
                        json.writeNumberField(value.getKey(), (long) number);
                    } else {
                        json.writeNumberField(value.getKey(), number);
                    }
                }
                for (Map.Entry<String, Object> property : properties.entrySet()) {
                    json.writeFieldName(property.getKey());
                    writeValue(json, property.getValue());
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("Writing JSON to a string cannot fail", e);
            }
            return text.toString();
        }

        /** Writes the document to the sink (nothing if it has no metric) and clears its metrics. */
        public void emit() {
            if (values.isEmpty()) {
                return;
            }
            sink.accept(toJson());
            values.clear();
            units.clear();
        }

        private void putDimension(String name, String value) {
            checkDimensionName(name);
            if (dimensions.containsKey(name)) {
                throw new IllegalArgumentException("Dimension " + name + " is already set on this document");
            }
            if (dimensions.size() == MAX_DIMENSIONS) {
                throw new IllegalArgumentException("A dimension set holds at most " + MAX_DIMENSIONS + " dimensions");
            }
            dimensions.put(name, checkDimensionValue(name, value));
        }

        private void checkMetricName(String name) {
            if (name == null || name.length() > MAX_METRIC_NAME || !NAME.matcher(name).matches() || name.equals("_aws")) {
                throw new IllegalArgumentException("A metric name is 1 to " + MAX_METRIC_NAME + " characters without"
                        + " leading or trailing spaces; got '" + name + "'");
            }
            if (dimensions.containsKey(name) || properties.containsKey(name)) {
                throw new IllegalArgumentException("Metric " + name + " has the name of a dimension or property");
            }
        }
    }

    private static String checkDimensionName(String name) {
        if (name == null || name.length() > MAX_DIMENSION_NAME || !NAME.matcher(name).matches() || name.equals("_aws")
                || name.startsWith(":")) {
            throw new IllegalArgumentException("A dimension name is 1 to " + MAX_DIMENSION_NAME + " characters, without"
                    + " leading or trailing spaces or a leading colon; got '" + name + "'");
        }
        return name;
    }

    private static String checkDimensionValue(String name, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_DIMENSION_VALUE || value.isBlank()) {
            throw new IllegalArgumentException("Dimension " + name + " needs a value of 1 to " + MAX_DIMENSION_VALUE
                    + " characters, not only spaces; got " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Number number) {
            if (number instanceof Double || number instanceof Float) {
                json.writeNumber(number.doubleValue());
            } else {
                json.writeNumber(number.longValue());
            }
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else {
            json.writeString(String.valueOf(value));
        }
    }
}
