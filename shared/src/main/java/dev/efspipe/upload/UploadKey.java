package dev.efspipe.upload;

import dev.efspipe.layout.DatasetName;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object key the HTTP API chooses for a browser upload, and the one place that reads it back.
 *
 * <pre>
 * &lt;prefix&gt;&lt;uuid&gt;/&lt;name&gt;
 * &lt;prefix&gt;&lt;uuid&gt;/dataset=&lt;dataset&gt;/&lt;name&gt;
 * &lt;prefix&gt;&lt;uuid&gt;/dataset=&lt;dataset&gt;/pointer=&lt;base64url of the JSON Pointer&gt;/&lt;name&gt;
 * </pre>
 *
 * <p>The upload's options travel <em>in the key</em>, not as object metadata: ingest reads S3 event
 * notifications, which carry the key but not the metadata, so honouring {@code x-amz-meta-*} would cost
 * ingest an S3 client, a HEAD per object and read permission on the bucket; and a presigned PUT that
 * signs metadata headers makes every client (a browser, {@code curl -T}) send them exactly. The key
 * costs nothing and is visible in the bucket. The name is sanitised (see {@link #sanitise}) and the
 * unique id comes first, so two uploads of one file name never collide and a key is never a path.
 *
 * @param prefix        the upload prefix (e.g. {@code uploads/}); may be empty
 * @param id            a random UUID, lowercase
 * @param dataset       the dataset the upload publishes to, or null to derive it from the name
 * @param recordPointer the JSON Pointer of the records, or null to detect them
 * @param name          the sanitised file name (it keeps its extension)
 */
public record UploadKey(String prefix, String id, DatasetName dataset, String recordPointer, String name) {
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern FORM = Pattern.compile("(?<prefix>.*?)(?<id>" + UUID_FORM.pattern() + ")/"
            + "(?:dataset=(?<dataset>[^/]*)/)?(?:pointer=(?<pointer>[A-Za-z0-9_-]*)/)?(?<name>[^/]+)");
    private static final int MAX_POINTER_BYTES = 512;

    public UploadKey {
        Objects.requireNonNull(prefix, "prefix");
        if (id == null || !UUID_FORM.matcher(id).matches()) {
            throw new IllegalArgumentException("upload id '" + DatasetName.printable(id) + "' is not a lowercase UUID");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("upload name '" + DatasetName.printable(name)
                    + "' must be 1-100 of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        if (recordPointer != null) {
            if (!recordPointer.isEmpty() && !recordPointer.startsWith("/")) {
                throw new IllegalArgumentException("recordPointer '" + DatasetName.printable(recordPointer)
                        + "' must be empty or start with '/'");
            }
            int bytes = recordPointer.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_POINTER_BYTES) {
                throw new IllegalArgumentException("recordPointer is " + bytes + " bytes, over the limit of " + MAX_POINTER_BYTES);
            }
            if (recordPointer.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("recordPointer has a control character");
            }
        }
    }

    /** A new key for an upload of {@code fileName} under {@code prefix}, with a fresh random id. */
    public static UploadKey create(String prefix, String fileName, DatasetName dataset, String recordPointer) {
        return new UploadKey(prefix, UUID.randomUUID().toString(), dataset, recordPointer, sanitise(fileName));
    }

    /** The object key. */
    public String key() {
        StringBuilder b = new StringBuilder(prefix).append(id).append('/');
        if (dataset != null) {
            b.append("dataset=").append(dataset.value()).append('/');
        }
        if (recordPointer != null) {
            b.append("pointer=").append(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(recordPointer.getBytes(StandardCharsets.UTF_8))).append('/');
        }
        return b.append(name).toString();
    }

    /** The dataset this upload publishes to: the one asked for, else the one derived from the name. */
    public DatasetName effectiveDataset() {
        return dataset != null ? dataset : DatasetName.fromObjectKey(name);
    }

    /**
     * Reads a key of this form back; empty for any other key (an upload by other means), or for a key whose
     * options do not decode (a hand-made key that only looks like ours is then treated like any other key).
     */
    public static Optional<UploadKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            String pointer = m.group("pointer") == null ? null
                    : new String(Base64.getUrlDecoder().decode(m.group("pointer")), StandardCharsets.UTF_8);
            DatasetName dataset = m.group("dataset") == null ? null : DatasetName.of(m.group("dataset"));
            return Optional.of(new UploadKey(m.group("prefix"), m.group("id"), dataset, pointer, m.group("name")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A file name a person chose, made safe as the last segment of a key: only the part after the last
     * {@code /} or {@code \}, NFKD-folded to ASCII, every run of other characters replaced by {@code -},
     * leading dots and dashes dropped, at most 100 characters with the extension kept; {@code upload} if
     * nothing is left.
     */
    public static String sanitise(String fileName) {
        String last = fileName == null ? "" : fileName;
        int slash = Math.max(last.lastIndexOf('/'), last.lastIndexOf('\\'));
        last = last.substring(slash + 1);
        String folded = Normalizer.normalize(last, Normalizer.Form.NFKD).replaceAll("\\p{M}", "")
                .replaceAll("[^A-Za-z0-9._-]+", "-")
                .replaceAll("\\.{2,}", ".")
                .replaceAll("^[^A-Za-z0-9]+", "");
        if (folded.length() > 100) {
            int dot = folded.lastIndexOf('.');
            String ext = dot > 0 && folded.length() - dot <= 16 ? folded.substring(dot) : "";
            folded = folded.substring(0, 100 - ext.length()) + ext;
        }
        return folded.isEmpty() ? "upload" : folded;
    }
}
