package dev.efspipe.processor.reference;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class MappedKeyIndexTest {
    @TempDir
    Path dir;

    private MappedKeyIndex index(long expected, String key, String... files) throws IOException {
        Path[] paths = new Path[files.length];
        for (int i = 0; i < files.length; i++) {
            paths[i] = Files.writeString(dir.resolve("part-" + i + ".ndjson"), files[i]);
        }
        return MappedKeyIndex.build(List.of(paths), expected, key, dir.resolve("index"), new JsonFactory());
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void findsEachRecordByItsKeyAcrossDataFiles() throws IOException {
        MappedKeyIndex index = index(4, "id",
                "{\"id\":\"c-1\",\"name\":\"Ada\"}\n{\"id\":\"c-2\",\"name\":\"Bo\",\"tags\":[{\"id\":\"x\"}]}\n",
                "{\"name\":\"Cy\",\"id\":\"c-3\"}\n{\"id\":\"ü-4\",\"name\":\"Dü\"}\n");

        assertThat(text(index.get("c-1"))).isEqualTo("{\"id\":\"c-1\",\"name\":\"Ada\"}");
        assertThat(text(index.get("c-2"))).isEqualTo("{\"id\":\"c-2\",\"name\":\"Bo\",\"tags\":[{\"id\":\"x\"}]}");
        assertThat(text(index.get("c-3"))).isEqualTo("{\"name\":\"Cy\",\"id\":\"c-3\"}");
        assertThat(text(index.get("ü-4"))).isEqualTo("{\"id\":\"ü-4\",\"name\":\"Dü\"}");
        assertThat(index.get("x")).as("a nested id is not a key").isNull();
        assertThat(index.get("c-9")).isNull();
        assertThat(index.size()).isEqualTo(4);
    }

    @Test
    void keysCompareAsText() throws IOException {
        MappedKeyIndex index = index(4, "id", "{\"id\":7}\n{\"id\":\"c\\u002d1\"}\n{\"id\":true}\n{\"id\":2.50}\n");

        assertThat(text(index.get("7"))).isEqualTo("{\"id\":7}");
        assertThat(text(index.get("c-1"))).as("escapes are decoded").isEqualTo("{\"id\":\"c\\u002d1\"}");
        assertThat(text(index.get("true"))).isEqualTo("{\"id\":true}");
        assertThat(text(index.get("2.50"))).isEqualTo("{\"id\":2.50}");
        assertThat(index.get("2.5")).as("numbers as written").isNull();
    }

    @Test
    void theLastRecordWithAKeyWins() throws IOException {
        MappedKeyIndex index = index(3, "id", "{\"id\":\"a\",\"v\":1}\n{\"id\":\"b\",\"v\":2}\n", "{\"id\":\"a\",\"v\":3}\n");

        assertThat(text(index.get("a"))).isEqualTo("{\"id\":\"a\",\"v\":3}");
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void recordsWithoutAUsableKeyAreNotIndexed() throws IOException {
        MappedKeyIndex index = index(5, "id", "[1,2]\n\"text\"\n{\"id\":null}\n{\"id\":{\"a\":1}}\n{\"other\":1}\n");

        assertThat(index.size()).isZero();
        assertThat(index.get("null")).isNull();
    }

    @Test
    void moreRecordsThanTheManifestCountsIsAnError() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append("{\"id\":").append(i).append("}\n");
        }
        assertThatIOException().isThrownBy(() -> index(1, "id", many.toString())).withMessageContaining("than their manifest counts (1)");
    }

    @Test
    void manyKeysAllFound() throws IOException {
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            part.append("{\"id\":\"k").append(i).append("\",\"n\":").append(i).append("}\n");
        }
        MappedKeyIndex index = index(20_000, "id", part.toString());

        for (int i = 0; i < 20_000; i++) {
            assertThat(text(index.get("k" + i))).isEqualTo("{\"id\":\"k" + i + "\",\"n\":" + i + "}");
        }
        assertThat(index.get("k20000")).isNull();
    }

    @Test
    void closeRemovesTheIndexFiles() throws IOException {
        MappedKeyIndex index = index(1, "id", "{\"id\":1}\n");
        assertThat(dir.resolve("index/slots")).exists();

        index.close();

        assertThat(dir.resolve("index")).doesNotExist();
    }

    @Test
    void valuesThatStraddleTwoMappedChunksReadWhole() throws IOException {
        Path file = dir.resolve("chunked");
        MappedFile w = MappedFile.map(file, 64, FileChannel.MapMode.READ_WRITE, 16);
        w.putLong(12, 0x0102030405060708L);
        w.putInt(30, 0x0a0b0c0d);
        w.putLong(40, -2);

        MappedFile r = MappedFile.map(file, -1, FileChannel.MapMode.READ_ONLY, 16);
        byte[] span = new byte[40];
        r.get(10, span, 0, 40);

        assertThat(r.getLong(12)).isEqualTo(0x0102030405060708L);
        assertThat(r.getInt(30)).isEqualTo(0x0a0b0c0d);
        assertThat(r.getLong(40)).isEqualTo(-2);
        assertThat(span[2]).isEqualTo((byte) 1);
        assertThat(span[9]).isEqualTo((byte) 8);
        assertThat(span[20]).isEqualTo((byte) 0x0a);
        assertThat(r.size()).isEqualTo(64);
    }
}
