package dev.efspipe.processor.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.efspipe.spi.KeyIndex;
import dev.efspipe.spi.RecordTransform;
import dev.efspipe.spi.TransformContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The built-in {@code lookup} transform: enriches each record with the record of a published reference dataset
 * whose key equals one of its members, e.g. an order's {@code customerId} with the {@code customers} record
 * whose {@code id} it names:
 * <pre>lookup(field=customerId,dataset=customers,key=id,into=customer)</pre>
 * {@code {"orderId":1,"customerId":"c-7"}} becomes {@code {"orderId":1,"customerId":"c-7","customer":{"id":"c-7",…}}}.
 *
 * <p>Options: {@code field} (required: the record's top-level member holding the key), {@code dataset}
 * (required), {@code key} (the reference records' key member; default {@code id}), {@code into} (the member
 * added; default the dataset's name), {@code missing} (what happens to a record whose key is absent or not
 * found: {@code keep} it unchanged (default), add {@code null}, {@code drop} it, or {@code fail} the job).
 *
 * <p>The reference records live in a {@link KeyIndex} outside the heap, built once per reference version and
 * environment; the record is parsed to its top-level members only, and the reference record is copied in as
 * it was published. A record that is not an object, or already has the {@code into} member, fails the job.
 */
public final class LookupTransform implements RecordTransform {
    public static final String NAME = "lookup";
    private static final Set<String> OPTIONS = Set.of("field", "dataset", "key", "into", "missing");
    private static final JsonFactory JSON = new JsonFactory();

    private String field;
    private String into;
    private byte[] member;
    private String missing;
    private KeyIndex index;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(TransformContext context) throws IOException {
        for (String option : context.options().keySet()) {
            if (!OPTIONS.contains(option)) {
                throw new IllegalArgumentException("lookup has no option '" + option + "' (it has " + OPTIONS + ")");
            }
        }
        field = context.option("field");
        String dataset = context.option("dataset");
        into = context.option("into", dataset);
        missing = context.option("missing", "keep");
        if (!Set.of("keep", "null", "drop", "fail").contains(missing)) {
            throw new IllegalArgumentException("lookup option missing must be keep, null, drop or fail, got '" + missing + "'");
        }
        member = ("\"" + new String(JsonStringEncoder.getInstance().quoteAsString(into)) + "\":")
                .getBytes(StandardCharsets.UTF_8);
        index = context.referenceData(dataset).index(context.option("key", "id"));
    }

    @Override
    public byte[] apply(byte[] record) {
        String key = null;
        boolean empty = true;
        long close;
        try (JsonParser p = JSON.createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("lookup needs records that are JSON objects");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                empty = false;
                String name = p.currentName();
                if (name.equals(into)) {
                    throw new IllegalArgumentException("the record already has a member '" + into + "', which lookup would add");
                }
                JsonToken value = p.nextToken();
                if (key == null && value.isScalarValue() && value != JsonToken.VALUE_NULL && name.equals(field)) {
                    key = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            close = p.currentTokenLocation().getByteOffset(); // the closing brace
        } catch (IOException e) {
            throw new UncheckedIOException("lookup could not read the record: " + e.getMessage(), e);
        }
        byte[] found = key == null ? null : index.get(key);
        if (found == null) {
            switch (missing) {
                case "keep":
                    return record;
                case "drop":
                    return null;
                case "fail":
                    throw new IllegalArgumentException(key == null ? "the record has no usable member '" + field + "'"
                            : "no record of the reference has the key '" + key + "'");
                default:
                    found = NULL;
            }
        }
        int at = (int) close;
        byte[] out = new byte[record.length + (empty ? 0 : 1) + member.length + found.length];
        System.arraycopy(record, 0, out, 0, at);
        int pos = at;
        if (!empty) {
            out[pos++] = ',';
        }
        System.arraycopy(member, 0, out, pos, member.length);
        pos += member.length;
        System.arraycopy(found, 0, out, pos, found.length);
        pos += found.length;
        System.arraycopy(record, at, out, pos, record.length - at);
        return out;
    }

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
}
