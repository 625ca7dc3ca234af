package dev.efspipe.local.stack;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.job.InvalidInputException;
import dev.efspipe.job.UploadSource;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.S3InputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.run.ContentProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A zip read from the embedded S3 server through {@link S3InputSource}'s ranged GETs costs about one read
 * of the object: the central directory at the end is one small GET, and the entries are then read
 * forward, block after block. A channel that fetched the whole object per seek, or went back for every
 * local header, would show up here as a multiple of the object's size. Every GET is pinned to the
 * announced ETag, so an object overwritten since its announcement is refused, not read.
 */
class S3RangedReadIT {
    private static final int BLOCK = 8 * 1024 * 1024; // S3InputSource's block
    private static final int JSON_ENTRIES = 2;
    private static final int RECORDS_PER_JSON_ENTRY = 20_000;
    private static final int BINARY_ENTRIES = 4;
    private static final int BINARY_ENTRY_BYTES = 9 * 1024 * 1024;

    @TempDir
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir.resolve("stack")).withPollers(false));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void zipReadThroughRangedGetsFetchesAboutTheObjectOnceNotTwice(@TempDir Path work) throws Exception {
        Path zip = writeZip(work.resolve("mixed.zip"));
        String key = "ranged/mixed.zip";
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key(key), zip);
        S3InputSource source = announced(key);
        long size = source.size();
        assertThat(size).as("object size").isBetween(36_000_000L, 44_000_000L);

        Format format;
        StagingOutput out = new StagingOutput(Files.createDirectories(work.resolve("staging")),
                new DurableFiles(Permissions.DEFAULT), 1 << 30);
        try (out) {
            format = new ContentProcessor(new JsonRecordSplitter(), UnpackLimits.defaults()).process(source, null, out);
        }

        assertThat(format).isEqualTo(Format.ZIP);
        assertThat(out.records()).isEqualTo((long) JSON_ENTRIES * RECORDS_PER_JSON_ENTRY);
        assertThat(out.parts()).extracting(Manifest.Part::source)
                .containsExactlyInAnyOrder("orders-0.json", "orders-1.json");
        assertThat(out.files()).extracting(Manifest.FileEntry::name)
                .containsExactly("files/blobs/blob-0.bin", "files/blobs/blob-1.bin", "files/blobs/blob-2.bin", "files/blobs/blob-3.bin");
        assertThat(out.files()).extracting(Manifest.FileEntry::bytes).containsOnly((long) BINARY_ENTRY_BYTES);

        long fetched = source.bytesFetched();
        String cost = String.format("%d bytes in %d GETs for an object of %d bytes (%.2fx)",
                fetched, source.getRequests(), size, (double) fetched / size);
        assertThat(fetched).as("at most the object once plus one block for the central directory: " + cost)
                .isLessThanOrEqualTo(size + size / 2);
        assertThat(fetched).as("the entries' data was really read: " + cost)
                .isGreaterThanOrEqualTo(size - 64 * 1024);
        // One GET per block read forward, one per entry (commons-compress ZipFile reads every local header
        // when it opens the archive), and a few seeks: the format peek, the end records, the first local header.
        long blocks = (size + BLOCK - 1) / BLOCK;
        assertThat((long) source.getRequests()).as("a GET per block and per entry, plus a few: " + cost)
                .isLessThanOrEqualTo(blocks + JSON_ENTRIES + BINARY_ENTRIES + 5);
    }

    @Test
    void objectOverwrittenAfterItWasAnnouncedIsRefusedAsChanged(@TempDir Path work) throws Exception {
        String key = "ranged/overwritten.json";
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key(key),
                RequestBody.fromString("[{\"id\":1},{\"id\":2}]"));
        S3InputSource source = announced(key);
        stack.s3().putObject(b -> b.bucket(stack.info().bucket()).key(key),
                RequestBody.fromString("[{\"id\":3},{\"id\":4}]"));

        try (StagingOutput out = new StagingOutput(Files.createDirectories(work.resolve("staging")),
                new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            assertThatThrownBy(() -> new ContentProcessor(new JsonRecordSplitter(), UnpackLimits.defaults())
                    .process(source, null, out))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("s3://" + stack.info().bucket() + "/" + key)
                    .hasMessageContaining("changed after it was announced");
        }
    }

    /** The source as an announcement would describe the object now: its ETag and size from a HEAD. */
    private static S3InputSource announced(String key) {
        HeadObjectResponse head = stack.s3().headObject(b -> b.bucket(stack.info().bucket()).key(key));
        return new S3InputSource(stack.s3(), UploadSource.s3(stack.info().bucket(), key, null, head.eTag(), head.contentLength()));
    }

    /**
     * About 40 MB: two deflated JSON arrays first, then incompressible STORED blobs from a seeded
     * {@link Random}, so the entries' data fills several S3 blocks.
     */
    private static Path writeZip(Path file) throws IOException {
        Random random = new Random(42);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int e = 0; e < JSON_ENTRIES; e++) {
                zip.putNextEntry(new ZipEntry("orders-" + e + ".json"));
                writeOrders(zip, RECORDS_PER_JSON_ENTRY, random);
                zip.closeEntry();
            }
            for (int e = 0; e < BINARY_ENTRIES; e++) {
                byte[] data = new byte[BINARY_ENTRY_BYTES];
                random.nextBytes(data);
                CRC32 crc = new CRC32();
                crc.update(data);
                ZipEntry entry = new ZipEntry("blobs/blob-" + e + ".bin");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(data.length);
                entry.setCompressedSize(data.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return file;
    }

    private static void writeOrders(OutputStream out, int records, Random random) throws IOException {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < records; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"customer\":\"c-")
                    .append(random.nextInt(10_000)).append("\",\"total\":").append(random.nextInt(100_000) / 100.0)
                    .append('}');
        }
        out.write(json.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }
}
