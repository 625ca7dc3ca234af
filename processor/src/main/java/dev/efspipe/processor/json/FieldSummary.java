package dev.efspipe.processor.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.text.Printable;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An inferred summary of the records' fields for the manifest: for each field path (dotted names,
 * {@code []} for array elements, e.g. {@code order.items[].sku}), the JSON types seen, how often it
 * occurs and how often it is null. Bounded so that it stays small whatever the input: at most
 * {@value #MAX_PATHS} paths and {@value #MAX_DEPTH} levels; what lies beyond is counted, not named.
 * Built while the parser walks each record's tokens (which it does anyway to find the record's end), and
 * the place where duplicate keys inside a record are found: a field's node met twice in one object.
 */
public final class FieldSummary {
    static final int MAX_PATHS = 1000;
    static final int MAX_DEPTH = 8;

    public enum Type { OBJECT, ARRAY, STRING, INTEGER, NUMBER, BOOLEAN, NULL }


    /** One path: its statistics and its children by name ("[]" for array elements). */
    static final class Node {
        final String path;
        final String name;
        final Map<String, Node> children = new HashMap<>(8);
        /** The child met at each position of this object last time: records repeat their field order. */
        Node[] byPosition = new Node[8];
        /** The types seen, one bit per {@link Type} ordinal (an EnumSet's add cost the field walk a tenth of its time). */
        int types;
        long count;
        long nulls;
        /** The number of the object this field was last met in: meeting it twice in one object is a duplicate key. */
        long seenIn = -1;
        /**
         * The name's bytes as last written in the input (escapes as they were), for {@link RecordScanner}'s compare:
         * their length, and the first 16 of them as two little-endian words (zero past the name).
         */
        byte[] raw;
        long raw0;
        long raw1;

        Node(String path, String name) {
            this.path = path;
            this.name = name;
        }
    }

    private static final String ELEMENT = "[]";

    /** Paths in first-seen order; the trie below makes each lookup one hash probe on an interned name. */
    private final Map<String, Node> fields = new LinkedHashMap<>();
    private final Node root = new Node("", "");
    private long unnamed;
    private long objects;

    public FieldSummary() {}

    /** Continues a summary from a checkpoint. */
    public FieldSummary(Manifest.Fields snapshot) {
        if (snapshot != null) {
            for (Manifest.Field f : snapshot.paths()) {
                Node n = new Node(f.path(), lastName(f.path()));
                f.types().forEach(t -> n.types |= 1 << Type.valueOf(t.toUpperCase(Locale.ROOT)).ordinal());
                n.count = f.count();
                n.nulls = f.nulls();
                fields.put(f.path(), n);
            }
            // Re-link the trie from the paths, so lookups find the restored nodes.
            for (Node n : fields.values()) {
                attach(n);
            }
            unnamed = snapshot.unnamed();
        }
    }

    public Manifest.Fields snapshot() {
        List<Manifest.Field> out = new ArrayList<>(fields.size());
        fields.forEach((path, n) -> {
            Set<String> types = new TreeSet<>();
            for (Type t : Type.values()) {
                if ((n.types & 1 << t.ordinal()) != 0) {
                    types.add(t.name().toLowerCase(Locale.ROOT));
                }
            }
            out.add(new Manifest.Field(path, types, n.count, n.nulls));
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
        // One frame per open container: its node (null beyond the depth or path bound), the position of the
        // next field, and the object's own number (for duplicate keys).
        Node[] node = new Node[16];
        int[] position = new int[16];
        long[] object = new long[16];
        @SuppressWarnings("unchecked")
        Set<String>[] untracked = new Set[16];
        int top = 0;
        node[0] = root;
        object[0] = ++objects;
        while (true) {
            t = p.nextToken();
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                untracked[top] = null;
                if (top == 0) {
                    return;
                }
                top--;
                continue;
            }
            String name = ELEMENT;
            boolean field = t == JsonToken.FIELD_NAME;
            if (field) {
                name = p.currentName();
                t = p.nextToken();
            }
            Node child = top < MAX_DEPTH ? child(node[top], name, position[top]++) : null;
            if (child == null) {
                unnamed++;
                if (field) {
                    if (untracked[top] == null) {
                        untracked[top] = new HashSet<>();
                    }
                    if (!untracked[top].add(name)) {
                        throw duplicate(p, name);
                    }
                }
            } else {
                if (field) {
                    // A field node met twice in one object is a duplicate key: no hashing, the node is at hand.
                    if (child.seenIn == object[top]) {
                        throw duplicate(p, name);
                    }
                    child.seenIn = object[top];
                }
                count(child, t);
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (++top == node.length) {
                    node = Arrays.copyOf(node, top * 2);
                    position = Arrays.copyOf(position, top * 2);
                    object = Arrays.copyOf(object, top * 2);
                    untracked = Arrays.copyOf(untracked, top * 2);
                }
                node[top] = child;
                position[top] = 0;
                object[top] = ++objects;
            }
        }
    }

    private static JsonParseException duplicate(JsonParser p, String name) {
        return new JsonParseException(p, "Duplicate field '" + Printable.escape(name, 200) + "'");
    }

    private Node child(Node parent, String name, int at) {
        if (parent == null) {
            return null;
        }
        Node[] seen = parent.byPosition;
        if (at < seen.length) {
            Node guess = seen[at];
            // Jackson canonicalises field names, so the same name is usually the same String instance.
            if (guess != null && (guess.name == name || guess.name.equals(name))) {
                return guess;
            }
        }
        Node n = parent.children.get(name);
        if (n == null) {
            if (fields.size() >= MAX_PATHS) {
                return null;
            }
            String path = name.equals(ELEMENT) ? parent.path + ELEMENT : parent.path.isEmpty() ? name : parent.path + "." + name;
            n = new Node(path, name);
            parent.children.put(name, n);
            fields.put(path, n);
        }
        if (at < 64) {
            if (at >= seen.length) {
                parent.byPosition = seen = Arrays.copyOf(seen, Math.max(at + 1, seen.length * 2));
            }
            seen[at] = n;
        }
        return n;
    }

    private static String lastName(String path) {
        if (path.endsWith(ELEMENT)) {
            return ELEMENT;
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    /** Puts a restored node under its parent: the parent's path is everything before the last "." or "[]". */
    private void attach(Node n) {
        String path = n.path;
        String parentPath;
        String name;
        if (path.endsWith(ELEMENT)) {
            parentPath = path.substring(0, path.length() - 2);
            name = ELEMENT;
        } else {
            int dot = path.lastIndexOf('.');
            parentPath = dot < 0 ? "" : path.substring(0, dot);
            name = dot < 0 ? path : path.substring(dot + 1);
        }
        Node parent = parentPath.isEmpty() ? root : fields.get(parentPath);
        if (parent != null) {
            parent.children.put(name, n);
        }
    }

    // ---- for RecordScanner, which reads names as bytes ----

    /** The node of a record's top-level container. */
    Node root() {
        return root;
    }

    /** A number for the next object, which duplicate keys are told by. */
    long nextObject() {
        return ++objects;
    }

    /** Counts a field beyond the bounds, not named. */
    void unnamed() {
        unnamed++;
    }

    /**
     * The node of the member named by {@code length} bytes at {@code offset} (the name as written, between its
     * quotes) at position {@code at} of an object of {@code parent}, or null beyond the bound of paths. Records
     * repeat their names in the same order, so the name is first compared, as bytes, with the one this position
     * had before; only another name is decoded and looked up.
     */
    Node member(Node parent, byte[] b, int offset, int length, boolean escaped, int at) {
        Node[] seen = parent.byPosition;
        if (at < seen.length) {
            Node guess = seen[at];
            if (guess != null && guess.raw != null && guess.raw.length == length && sameBytes(guess, b, offset, length)) {
                return guess;
            }
        }
        Node n = child(parent, decodeName(b, offset, length, escaped), at);
        if (n != null) {
            n.raw = Arrays.copyOfRange(b, offset, offset + length);
            byte[] padded = Arrays.copyOf(n.raw, 16);
            n.raw0 = (long) LONGS.get(padded, 0);
            n.raw1 = (long) LONGS.get(padded, 8);
        }
        return n;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Whether {@code length} bytes at {@code offset} are the node's name (of that length). Names are short: up to
     * 16 bytes they are compared as two words read from the buffer (when it holds 16 bytes from there), which made
     * the field walk a quarter faster than a byte loop.
     */
    private static boolean sameBytes(Node n, byte[] b, int offset, int length) {
        if (length <= 16 && offset + 16 <= b.length) {
            long w0 = (long) LONGS.get(b, offset);
            long w1 = (long) LONGS.get(b, offset + 8);
            if (length < 8) {
                return (w0 & ((1L << (length << 3)) - 1)) == n.raw0;
            }
            return w0 == n.raw0 && (length == 16 ? w1 : w1 & ((1L << ((length - 8) << 3)) - 1)) == n.raw1;
        }
        return Arrays.equals(n.raw, 0, length, b, offset, offset + length);
    }

    /** The node of the elements of an array of {@code parent}. */
    Node element(Node parent, int at) {
        return child(parent, ELEMENT, at);
    }

    /** A member name as written (UTF-8, validated; with JSON escapes when {@code escaped}) as a string. */
    static String decodeName(byte[] b, int offset, int length, boolean escaped) {
        if (!escaped) {
            return new String(b, offset, length, java.nio.charset.StandardCharsets.UTF_8);
        }
        StringBuilder name = new StringBuilder(length);
        int run = offset;
        int stop = offset + length;
        int i = offset;
        while (i < stop) {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            name.append(new String(b, run, i - run, java.nio.charset.StandardCharsets.UTF_8));
            char e = (char) b[i + 1];
            switch (e) {
                case 'u' -> {
                    name.append((char) Integer.parseInt(new String(b, i + 2, 4, java.nio.charset.StandardCharsets.US_ASCII), 16));
                    i += 6;
                }
                case 'b' -> { name.append('\b'); i += 2; }
                case 'f' -> { name.append('\f'); i += 2; }
                case 'n' -> { name.append('\n'); i += 2; }
                case 'r' -> { name.append('\r'); i += 2; }
                case 't' -> { name.append('\t'); i += 2; }
                default -> { name.append(e); i += 2; }
            }
            run = i;
        }
        name.append(new String(b, run, stop - run, java.nio.charset.StandardCharsets.UTF_8));
        return name.toString();
    }

    static void count(Node n, Type type) {
        n.count++;
        if (type == Type.NULL) {
            n.nulls++;
        }
        n.types |= 1 << type.ordinal();
    }

    private static void count(Node n, JsonToken t) {
        n.count++;
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
            n.nulls++;
        }
        n.types |= 1 << type.ordinal();
    }
}
