package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.efspipe.manifest.Manifest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inferred summary of the records' fields for the manifest: for each field path (dotted names,
 * {@code []} for array elements, e.g. {@code order.items[].sku}), the JSON types seen, how often it
 * occurs and how often it is null. Bounded so that it stays small whatever the input: at most
 * {@value #MAX_PATHS} paths and {@value #MAX_DEPTH} levels; what lies beyond is counted, not named.
 * Built while the parser walks each record's tokens (which it does anyway to find the record's end).
 */
public final class FieldSummary {
    static final int MAX_PATHS = 1000;
    static final int MAX_DEPTH = 8;

    public enum Type { OBJECT, ARRAY, STRING, INTEGER, NUMBER, BOOLEAN, NULL }


    private static final class Stats {
        final EnumSet<Type> types = EnumSet.noneOf(Type.class);
        long count;
        long nulls;
    }

    private final Map<String, Stats> fields = new LinkedHashMap<>();
    private long unnamed;

    public FieldSummary() {}

    /** Continues a summary from a checkpoint. */
    public FieldSummary(Manifest.Fields snapshot) {
        if (snapshot != null) {
            for (Manifest.Field f : snapshot.paths()) {
                Stats s = new Stats();
                f.types().forEach(t -> s.types.add(Type.valueOf(t.toUpperCase(java.util.Locale.ROOT))));
                s.count = f.count();
                s.nulls = f.nulls();
                fields.put(f.path(), s);
            }
            unnamed = snapshot.unnamed();
        }
    }

    public Manifest.Fields snapshot() {
        List<Manifest.Field> out = new ArrayList<>(fields.size());
        fields.forEach((path, s) -> {
            Set<String> types = new java.util.TreeSet<>();
            s.types.forEach(t -> types.add(t.name().toLowerCase(java.util.Locale.ROOT)));
            out.add(new Manifest.Field(path, types, s.count, s.nulls));
        });
        return new Manifest.Fields(out, unnamed);
    }

    /**
     * Walks the record whose first token is the parser's current token, to its last token, recording each
     * field it meets. Leaves the parser on the record's last token.
     */
    void walk(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return; // a scalar record has no fields
        }
        StringBuilder path = new StringBuilder();
        // One frame per open container: where its own path ends, and whether it is an array.
        int[] pathEnd = new int[16];
        boolean[] array = new boolean[16];
        int top = 0;
        array[0] = t == JsonToken.START_ARRAY;
        while (true) {
            t = p.nextToken();
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                if (top == 0) {
                    return;
                }
                top--;
                path.setLength(pathEnd[top]);
                continue;
            }
            String name = null;
            if (t == JsonToken.FIELD_NAME) {
                name = p.currentName();
                t = p.nextToken();
            }
            if (top < MAX_DEPTH) {
                if (array[top]) {
                    path.append("[]");
                } else {
                    if (path.length() > 0) {
                        path.append('.');
                    }
                    path.append(name);
                }
                record(path.toString(), t);
            } else {
                unnamed++;
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (++top == pathEnd.length) {
                    pathEnd = java.util.Arrays.copyOf(pathEnd, top * 2);
                    array = java.util.Arrays.copyOf(array, top * 2);
                }
                pathEnd[top] = path.length();
                array[top] = t == JsonToken.START_ARRAY;
            } else {
                path.setLength(pathEnd[top]);
            }
        }
    }

    private void record(String path, JsonToken t) {
        Stats s = fields.get(path);
        if (s == null) {
            if (fields.size() >= MAX_PATHS) {
                unnamed++;
                return;
            }
            s = new Stats();
            fields.put(path, s);
        }
        s.count++;
        Type type = switch (t) {
            case START_OBJECT -> Type.OBJECT;
            case START_ARRAY -> Type.ARRAY;
            case VALUE_STRING -> Type.STRING;
            case VALUE_NUMBER_INT -> Type.INTEGER;
            case VALUE_NUMBER_FLOAT -> Type.NUMBER;
            case VALUE_TRUE, VALUE_FALSE -> Type.BOOLEAN;
            default -> Type.NULL;
        };
        if (type == Type.NULL) {
            s.nulls++;
        }
        s.types.add(type);
    }
}
