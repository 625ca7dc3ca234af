package dev.efspipe.processor.run;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.archive.ZipUnpacker;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.input.InputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.output.StagingOutput;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        processor = new ContentProcessor(splitter, new ZipUnpacker(splitter, 100));
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
            bz.write(utf8("{\"a\":1,\"b\":[true]}"));
        }

        Format format = process("pairs.json.bz2", buf.toByteArray());

        assertThat(format).isEqualTo(Format.BZIP2);
        assertThat(part(0)).isEqualTo("{\"key\":\"a\",\"value\":1}\n{\"key\":\"b\",\"value\":[true]}\n");
        assertThat(output.parts()).extracting(Manifest.Part::source).containsExactly("pairs.json");
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

    @Test
    void refusesATarWithAClearMessage() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
            byte[] data = utf8("[1]");
            TarArchiveEntry entry = new TarArchiveEntry("rows.json");
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }

        assertThatThrownBy(() -> process("bundle.tar", buf.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bundle.tar")
                .hasMessageContaining("TAR input is recognised but not read by this build");
        assertThat(staging).isEmptyDirectory();
    }

    @Test
    void refusesXzWithAClearMessage() {
        byte[] xzHead = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4, 1, 2, 3};

        assertThatThrownBy(() -> process("rows.json.xz", xzHead))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("rows.json.xz")
                .hasMessageContaining("XZ input is recognised but not read by this build");
    }

    @Test
    void refusesACompressedArchiveInsideGzip() throws IOException {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(inner)) {
            gz.write(utf8("[1]"));
        }
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(outer)) {
            gz.write(inner.toByteArray());
        }

        assertThatThrownBy(() -> process("double.gz", outer.toByteArray()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("double.gz")
                .hasMessageContaining("compressed GZIP inside a compressed stream");
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
            return new SeekableByteChannel() {
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

                @Override
                public int write(ByteBuffer src) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public long position() throws IOException {
                    return channel.position();
                }

                @Override
                public SeekableByteChannel position(long newPosition) throws IOException {
                    channel.position(newPosition);
                    return this;
                }

                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public SeekableByteChannel truncate(long size) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean isOpen() {
                    return channel.isOpen();
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }
    }
}
