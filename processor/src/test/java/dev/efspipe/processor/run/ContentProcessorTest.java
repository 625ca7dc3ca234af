package dev.efspipe.processor.run;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.archive.TestArchives;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.input.ForwardingReadOnlyChannel;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.LimitExceededException;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentProcessorTest {
    @TempDir
    Path inputs;

    @TempDir
    Path staging;

    private ContentProcessor processor;
    private StagingOutput output;

    @BeforeEach
    void setUp() {
        JsonRecordSplitter splitter = new JsonRecordSplitter();
        processor = new ContentProcessor(splitter, UnpackLimits.builder().maxEntries(100).build());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(String content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(utf8(content));
        }
        return buf.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Format process(String fileName, byte[] content) throws IOException {
        Path file = Files.write(inputs.resolve(fileName), content);
        StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);
        output = out;
        try (out) {
            return processor.process(new FileInputSource(file), out);
        }
    }

    private String part(int index) throws IOException {
        return Files.readString(staging.resolve(String.format("parts/part-%05d.ndjson", index)), StandardCharsets.UTF_8);
    }

    @Test
    void splitsAPlainJsonDocument() throws IOException {
        Format format = process("orders.json", utf8("[{\"id\":1},{\"id\":2}]"));

        assertThat(format).isEqualTo(Format.JSON);
        assertThat(output.records()).isEqualTo(2);
        assertThat(part(0)).isEqualTo("{\"id\":1}\n{\"id\":2}\n");
    }

    @Test
    void splitsAJsonDocumentThatStartsWithAByteOrderMark() throws IOException {
        byte[] json = concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8("[{\"id\":1}]"));

        process("bom.json", json);

        assertThat(part(0)).isEqualTo("{\"id\":1}\n");
    }

    @Test
    void splitsJsonFromEveryMemberOfAMultiMemberGzip() throws IOException {
        byte[] twoMembers = concat(gzip("[{\"id\":1},"), gzip("{\"id\":2}]"));

        Format format = process("orders.json.gz", twoMembers);

        assertThat(format).isEqualTo(Format.GZIP);
        assertThat(part(0)).isEqualTo("{\"id\":1}\n{\"id\":2}\n");
        assertThat(output.parts()).extracting(Manifest.Part::source).containsExactly("orders.json");
    }

    @Test
    void splitsBzip2CompressedJson() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(buf)) {
            bz.write(utf8("{\"a\":1,\"b\":{\"c\":true}}"));
        }

        Format format = process("pairs.json.bz2", buf.toByteArray());

        assertThat(format).isEqualTo(Format.BZIP2);
        assertThat(part(0)).isEqualTo("{\"key\":\"a\",\"value\":1}\n{\"key\":\"b\",\"value\":{\"c\":true}}\n");
        assertThat(output.parts()).extracting(Manifest.Part::source).containsExactly("pairs.json");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void splitsTheRecordsAtTheJobsPointerInAPlainOrCompressedDocument(boolean gzipped) throws IOException {
        String doc = "{\"summary\":[1,2,3],\"data\":{\"items\":[{\"id\":1},{\"id\":2}]}}";
        Path file = Files.write(inputs.resolve(gzipped ? "doc.json.gz" : "doc.json"), gzipped ? gzip(doc) : utf8(doc));

        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            processor.process(new FileInputSource(file), "/data/items", out);
        }

        assertThat(part(0)).isEqualTo("{\"id\":1}\n{\"id\":2}\n");
    }

    @Test
    void keepsPlainTextAsOneFileUnderFiles() throws IOException {
        byte[] text = utf8("name,amount\nalice,3\n");

        Format format = process("report.csv", text);

        assertThat(format).isEqualTo(Format.OTHER);
        assertThat(staging.resolve("files/report.csv")).hasBinaryContent(text);
        assertThat(output.files()).extracting(Manifest.FileEntry::name).containsExactly("files/report.csv");
        assertThat(staging.resolve("parts")).doesNotExist();
    }

    @Test
    void keepsGzippedTextAsOneFileWithoutTheGzSuffix() throws IOException {
        process("notes.txt.gz", gzip("plain notes\n"));

        assertThat(staging.resolve("files/notes.txt")).hasContent("plain notes");
    }

    @Test
    void unpacksAZip() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            zip.putNextEntry(new ZipEntry("rows.json"));
            zip.write(utf8("[1,2,3]"));
        }

        Format format = process("bundle.zip", buf.toByteArray());

        assertThat(format).isEqualTo(Format.ZIP);
        assertThat(part(0)).isEqualTo("1\n2\n3\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "tar.gz", "tar.bz2", "tar.xz"})
    void unpacksATarPlainOrCompressed(String suffix) throws IOException {
        byte[] tar = TestArchives.tar().file("rows.json", "[{\"id\":1},{\"id\":2}]").file("docs/readme.txt", "read me").bytes();
        byte[] upload = switch (suffix) {
            case "tar.gz" -> TestArchives.gzip(tar);
            case "tar.bz2" -> TestArchives.bzip2(tar);
            case "tar.xz" -> TestArchives.xz(tar);
            default -> tar;
        };

        Format format = process("bundle." + suffix, upload);

        assertThat(format).isEqualTo(switch (suffix) {
            case "tar.gz" -> Format.GZIP;
            case "tar.bz2" -> Format.BZIP2;
            case "tar.xz" -> Format.XZ;
            default -> Format.TAR;
        });
        assertThat(part(0)).isEqualTo("{\"id\":1}\n{\"id\":2}\n");
        assertThat(output.parts()).extracting(Manifest.Part::source).containsExactly("rows.json");
        assertThat(staging.resolve("files/docs/readme.txt")).hasContent("read me");
    }

    @Test
    void splitsXzCompressedJson() throws IOException {
        Format format = process("rows.json.xz", TestArchives.xz(utf8("[1,2,3]")));

        assertThat(format).isEqualTo(Format.XZ);
        assertThat(part(0)).isEqualTo("1\n2\n3\n");
        assertThat(output.parts()).extracting(Manifest.Part::source).containsExactly("rows.json");
    }

    @Test
    void keepsAZipInsideATarAsAFile() throws IOException {
        byte[] inner = TestArchives.zip(TestArchives.entries("secret/rows.json", "[1]"));
        byte[] tar = TestArchives.tar().file("inner.zip", inner).bytes();

        process("outer.tar", tar);

        assertThat(staging.resolve("files/inner.zip")).hasBinaryContent(inner);
        assertThat(staging.resolve("files/secret")).doesNotExist();
        assertThat(staging.resolve("parts")).doesNotExist();
    }

    @Test
    void keepsATarGzInsideAZipAsAFile() throws IOException {
        byte[] inner = TestArchives.gzip(TestArchives.tar().file("rows.json", "[1]").bytes());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("inner.tar.gz", inner);

        process("outer.zip", TestArchives.zip(entries));

        assertThat(staging.resolve("files/inner.tar.gz")).hasBinaryContent(inner);
        assertThat(staging.resolve("parts")).doesNotExist();
    }

    @Test
    void keepsAGzipInsideAGzipAsOneFileDecompressedOnce() throws IOException {
        byte[] inner = gzip("[1]");
        byte[] outer = TestArchives.gzip(inner);

        Format format = process("double.gz", outer);

        assertThat(format).isEqualTo(Format.GZIP);
        assertThat(staging.resolve("files/double")).hasBinaryContent(inner);
        assertThat(staging.resolve("parts")).doesNotExist();
    }

    @Test
    void refusesATruncatedTarGzAsBadInput() throws IOException {
        Random random = new Random(7);
        byte[] noise = new byte[64 * 1024];
        random.nextBytes(noise);
        byte[] whole = TestArchives.gzip(TestArchives.tar().file("noise.bin", noise).file("after.txt", "after").bytes());
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> process("bundle.tar.gz", cut))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bundle.tar.gz")
                .hasMessageContaining("corrupt or truncated");
    }

    @Test
    void checksTheGzipTrailerAfterTheEndOfATar() throws IOException {
        byte[] tar = TestArchives.tar().file("a.txt", "a").bytes();
        // Padding after the end-of-archive marker, as tar's larger blocking factors write: a reader that stops
        // at the marker never reaches the gzip trailer.
        byte[] tarGz = TestArchives.gzip(Arrays.copyOf(tar, tar.length + 128 * 1024));
        tarGz[tarGz.length - 8] ^= 0x01; // the trailer's CRC-32

        assertThatThrownBy(() -> process("bundle.tar.gz", tarGz))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bundle.tar.gz")
                .hasMessageContaining("CRC");
    }

    @Test
    void refusesAnXzStreamThatAsksForMoreDecoderMemoryThanTheLimit() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (XZCompressorOutputStream xz = new XZCompressorOutputStream(buf, 6)) { // an 8 MiB dictionary
            xz.write(utf8("[1]"));
        }
        ContentProcessor small = new ContentProcessor(new JsonRecordSplitter(), UnpackLimits.builder().maxXzMemoryKib(1024).build());
        Path file = Files.write(inputs.resolve("rows.json.xz"), buf.toByteArray());

        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            assertThatThrownBy(() -> small.process(new FileInputSource(file), out))
                    .isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("rows.json.xz")
                    .hasMessageContaining("KiB of memory to decode")
                    .hasMessageContaining("max xz decoder memory (KiB) = 1024, from the caller");
        }
    }

    @Test
    void refusesACorruptXzStreamAsBadInput() {
        byte[] xzHead = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4, 1, 2, 3};

        assertThatThrownBy(() -> process("rows.json.xz", xzHead))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("rows.json.xz");
    }

    @Test
    void refusesATruncatedGzipAsBadInput() throws IOException {
        byte[] whole = gzip("[" + "{\"id\":1},".repeat(200) + "{}]");
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> process("rows.json.gz", cut))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("rows.json.gz");
    }

    @Test
    void refusesAGzipWhoseCrcDoesNotMatchAsBadInput() throws IOException {
        byte[] gz = gzip("some text\n");
        gz[gz.length - 8] ^= 0x01; // the trailer: CRC-32 (4 bytes), then the length (4 bytes)

        assertThatThrownBy(() -> process("notes.txt.gz", gz))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("notes.txt.gz")
                .hasMessageContaining("CRC");
    }

    @Test
    void refusesATruncatedBzip2AsBadInput() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(buf)) {
            bz.write(utf8("[" + "{\"id\":1},".repeat(200) + "{}]"));
        }
        byte[] cut = Arrays.copyOf(buf.toByteArray(), buf.size() / 2);

        assertThatThrownBy(() -> process("rows.json.bz2", cut))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("rows.json.bz2");
    }

    @Test
    void keepsAFailingReadOfTheSourceInsideGzipTransient() throws IOException {
        Random random = new Random(42);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 2_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"v\":\"").append(Long.toHexString(random.nextLong())).append("\"}");
        }
        Path file = Files.write(inputs.resolve("rows.json.gz"), gzip(json.append("]").toString()));
        InputSource failing = new FailingAfter(file, 4096);

        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            assertThatThrownBy(() -> processor.process(failing, out))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("connection reset");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "tar.gz"})
    void keepsAFailingReadOfTheSourceInsideAnArchiveTransient(String suffix) throws IOException {
        byte[] noise = new byte[256 * 1024];
        new Random(3).nextBytes(noise);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("noise.bin", noise);
        byte[] archive = suffix.equals("zip") ? TestArchives.zip(entries) : TestArchives.gzip(TestArchives.tar().file("noise.bin", noise).bytes());
        Path file = Files.write(inputs.resolve("bundle." + suffix), archive);
        InputSource failing = new FailingAfter(file, archive.length / 2);

        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            assertThatThrownBy(() -> processor.process(failing, out))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("connection reset");
        }
    }

    /** A file whose reads fail from byte {@code failAt} on, as a network read of an S3 object might. */
    private record FailingAfter(Path file, long failAt) implements InputSource {
        @Override
        public String describe() {
            return file.toString();
        }

        @Override
        public String fileName() {
            return file.getFileName().toString();
        }

        @Override
        public long size() throws IOException {
            return Files.size(file);
        }

        @Override
        public SeekableByteChannel openChannel() throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new ForwardingReadOnlyChannel(channel) {
                @Override
                public int read(ByteBuffer dst) throws IOException {
                    long left = failAt - channel.position();
                    if (left <= 0) {
                        throw new IOException("connection reset by peer");
                    }
                    if (dst.remaining() > left) {
                        ByteBuffer slice = dst.slice().limit((int) left);
                        int n = channel.read(slice);
                        if (n > 0) {
                            dst.position(dst.position() + n);
                        }
                        return n;
                    }
                    return channel.read(dst);
                }
            };
        }
    }
}
