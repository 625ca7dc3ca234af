package dev.efspipe.processor.input;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.archive.TestArchives;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.run.ContentProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress as a listener sees it ({@link InputSource#withProgress}) and as the log shows it ({@link ProgressLog}). */
class ProgressTest {
    private static final Logger LOG = Logger.getLogger(ProgressLog.class.getName());

    @TempDir
    Path dir;

    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        LOG.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        LOG.removeHandler(capture);
    }

    @Test
    void reportsEveryByteOfTheUploadToAListener() throws IOException {
        byte[] noise = new byte[300_000];
        new Random(1).nextBytes(noise);
        byte[] tarGz = TestArchives.gzip(TestArchives.tar().file("noise.bin", noise).bytes());
        Path upload = Files.write(dir.resolve("bundle.tar.gz"), tarGz);
        AtomicLong done = new AtomicLong();
        AtomicLong total = new AtomicLong();
        InputSource source = new FileInputSource(upload).withProgress((d, t) -> {
            done.set(d);
            total.set(t);
        });

        try (StagingOutput out = new StagingOutput(Files.createDirectory(dir.resolve("staging")), new DurableFiles(Permissions.DEFAULT), 1 << 20)) {
            new ContentProcessor(new JsonRecordSplitter(), UnpackLimits.defaults()).process(source, out);
        }

        assertThat(total.get()).isEqualTo(tarGz.length);
        assertThat(done.get()).as("the first bytes are read twice, to detect the format").isBetween((long) tarGz.length, tarGz.length + 512L);
    }

    @Test
    void logsNothingWithinTheFirstInterval() {
        ProgressLog log = new ProgressLog("s3://uploads/big.zip");

        log.bytesRead(1 << 20, 100 << 20);

        assertThat(logged).isEmpty();
    }

    @Test
    void logsBytesDoneOfTotalAndTheRateOnceAnIntervalHasPassed() {
        ProgressLog log = new ProgressLog("s3://uploads/big.zip", 0);

        log.bytesRead(512L << 20, 1536L << 20);

        assertThat(logged).singleElement().asString()
                .startsWith("Reading s3://uploads/big.zip: 512.0 MiB of 1.5 GiB (33%), ")
                .endsWith("/s");
    }

    @Test
    void neverShowsMoreThanTheWhole() {
        assertThat(new ProgressLog("a.zip").line(1100, 1000, 1_000_000_000L)).startsWith("Reading a.zip: 0.0 MiB of 0.0 MiB (100%)");
    }

    @Test
    void logLineCountsRecordsAndTheirRate() {
        String line = new ProgressLog("big.json", () -> 2_000_000, ProgressLog.DEFAULT_INTERVAL_NANOS)
                .line(512L << 20, 1L << 30, 4_000_000_000L);

        assertThat(line).isEqualTo("Reading big.json: 512.0 MiB of 1.0 GiB (50%), 128.0 MiB/s, 2,000,000 records (500,000/s)");
    }
}
