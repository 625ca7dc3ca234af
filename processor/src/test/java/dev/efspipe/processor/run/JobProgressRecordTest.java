package dev.efspipe.processor.run;

import dev.efspipe.processor.config.ProcessorConfig;
import dev.efspipe.job.Job;
import dev.efspipe.job.JobClaims;
import dev.efspipe.job.JobProgress;
import dev.efspipe.job.JobRecord;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.input.InputSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running job's record shows its progress: the processor replaces it every progress interval while it reads,
 * and the published record keeps the final figures. The upload is released to the processor in steps by the
 * test (a gated source), so "while it runs" is a state the test controls, not a race.
 */
class JobProgressRecordTest {
    /** About 8 MB: the splitter looks at the first MiB before it splits, so the first step must be past it. */
    private static final int RECORDS = 250_000;
    /** The first bytes are read twice (format detection, then from the start): counted twice, as documented. */
    private static final int FORMAT_PEEK = 512;

    @TempDir
    Path efsRoot;

    private final ExecutorService runner = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown() {
        runner.shutdownNow();
    }

    @Test
    void shouldShowGrowingProgressWhileTheJobRuns_andTheFinalFiguresWhenPublished() throws Exception {
        StringBuilder doc = new StringBuilder("[");
        for (int i = 0; i < RECORDS; i++) {
            doc.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"item\":\"item-").append(i).append("\"}");
        }
        byte[] content = doc.append("]").toString().getBytes(StandardCharsets.UTF_8);
        GatedSource source = new GatedSource("orders.json", content);
        Job job = Job.of(UploadSource.file("orders.json", "tag", content.length),
                DatasetName.of("orders"), Instant.now());
        ProcessorConfig config = ProcessorConfig.forEfsRoot(efsRoot).withProgressInterval(Duration.ofMillis(20));
        JobProcessor processor = new JobProcessor(config, Clock.systemUTC());
        JobClaims claims = new JobClaims(processor.layout(), null, Duration.ofSeconds(5), Clock.systemUTC());

        source.allow(content.length / 4);
        CompletableFuture<JobOutcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return processor.run(job, source, "test-owner");
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, runner);

        JobProgress first = awaitProgress(claims, job, p -> p.bytesRead() >= content.length / 4 - 8192 && p.records() > 0);
        assertThat(claims.read(job.id()).orElseThrow().state()).isEqualTo(JobRecord.State.CLAIMED);
        assertThat(first.totalBytes()).isEqualTo(content.length);
        assertThat(first.bytesRead()).isLessThanOrEqualTo(content.length / 4 + FORMAT_PEEK);
        assertThat(first.percent()).isBetween(20.0, 26.0);
        assertThat(first.records()).isLessThan(RECORDS);

        source.allow(content.length * 3 / 4);
        JobProgress second = awaitProgress(claims, job, p -> p.bytesRead() >= content.length * 3 / 4 - 8192);
        assertThat(second.bytesRead()).isGreaterThan(first.bytesRead());
        assertThat(second.records()).isGreaterThan(first.records()).isLessThan(RECORDS);
        assertThat(second.bytesRead()).isLessThanOrEqualTo(content.length * 3 / 4 + FORMAT_PEEK);
        assertThat(second.percent()).isGreaterThan(first.percent()).isLessThanOrEqualTo(76.0);
        assertThat(second.updatedAt()).isAfter(first.updatedAt());
        assertThat(run).isNotDone();

        source.allow(content.length);
        JobOutcome outcome = run.get(30, TimeUnit.SECONDS);

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.PUBLISHED);
        JobRecord last = claims.read(job.id()).orElseThrow();
        assertThat(last.state()).isEqualTo(JobRecord.State.PUBLISHED);
        assertThat(last.progress().records()).isEqualTo(RECORDS);
        assertThat(last.progress().bytesRead()).isEqualTo(content.length);
        assertThat(last.progress().totalBytes()).isEqualTo(content.length);
        assertThat(last.progress().percent()).isEqualTo(100.0);
    }

    @Test
    void shouldKeepTheFiguresItReached_whenTheJobSuspends() throws Exception {
        StringBuilder doc = new StringBuilder("[");
        for (int i = 0; i < 5_000; i++) {
            doc.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"item\":\"item-").append(i).append("\"}");
        }
        Path input = efsRoot.resolveSibling(efsRoot.getFileName() + "-orders.json");
        java.nio.file.Files.writeString(input, doc.append("]"));
        long size = java.nio.file.Files.size(input);
        Job job = Job.of(UploadSource.file("orders.json", "tag", size), DatasetName.of("orders"), Instant.now());
        // No periodic write in this run: the figures on the suspended record come from the suspension itself.
        ProcessorConfig config = ProcessorConfig.forEfsRoot(efsRoot).withPartMaxBytes(4096).withProgressInterval(Duration.ofHours(1));
        JobProcessor processor = new JobProcessor(config, Clock.systemUTC());
        JobClaims claims = new JobClaims(processor.layout(), null, Duration.ofSeconds(5), Clock.systemUTC());

        JobOutcome outcome = processor.run(job, new dev.efspipe.processor.input.FileInputSource(input), "test-owner",
                written -> written >= 20_000);

        assertThat(outcome.status()).isEqualTo(JobOutcome.Status.SUSPENDED);
        JobRecord record = claims.read(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobRecord.State.SUSPENDED);
        assertThat(record.progress()).as("how far the invocation got").isNotNull();
        assertThat(record.progress().records()).isPositive().isLessThan(5_000);
        assertThat(record.progress().bytesRead()).isPositive().isLessThanOrEqualTo(size);
        assertThat(record.progress().totalBytes()).isEqualTo(size);
        assertThat(record.progress().percent()).isPositive().isLessThanOrEqualTo(100.0);
    }

    private static JobProgress awaitProgress(JobClaims claims, Job job, Predicate<JobProgress> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JobProgress seen = null;
        while (System.nanoTime() < deadline) {
            seen = claims.read(job.id()).map(JobRecord::progress).orElse(null);
            if (seen != null && condition.test(seen)) {
                return seen;
            }
            Thread.onSpinWait();
            Thread.sleep(5); // polling the file; the condition, not the sleep, is what the test waits for
        }
        throw new AssertionError("The job record's progress never met the condition; last seen: " + seen);
    }

    /** An upload whose bytes the test releases in steps: a read past the released bytes waits for more. */
    private static final class GatedSource implements InputSource {
        private final String name;
        private final byte[] content;
        private long allowed;

        GatedSource(String name, byte[] content) {
            this.name = name;
            this.content = content;
        }

        synchronized void allow(long bytes) {
            allowed = Math.min(bytes, content.length);
            notifyAll();
        }

        private synchronized void awaitAllowed(long position) throws IOException {
            while (allowed <= position) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the test to release bytes", e);
                }
            }
        }

        private synchronized long allowed() {
            return allowed;
        }

        @Override
        public String describe() {
            return "gated:" + name;
        }

        @Override
        public String fileName() {
            return name;
        }

        @Override
        public long size() {
            return content.length;
        }

        @Override
        public SeekableByteChannel openChannel() {
            return new SeekableByteChannel() {
                private long position;
                private boolean open = true;

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    if (position >= content.length) {
                        return -1;
                    }
                    awaitAllowed(position);
                    int n = (int) Math.min(dst.remaining(), allowed() - position);
                    dst.put(content, (int) position, n);
                    position += n;
                    return n;
                }

                @Override
                public int write(ByteBuffer src) {
                    throw new NonWritableChannelException();
                }

                @Override
                public long position() {
                    return position;
                }

                @Override
                public SeekableByteChannel position(long newPosition) {
                    position = newPosition;
                    return this;
                }

                @Override
                public long size() {
                    return content.length;
                }

                @Override
                public SeekableByteChannel truncate(long size) {
                    throw new NonWritableChannelException();
                }

                @Override
                public boolean isOpen() {
                    return open;
                }

                @Override
                public void close() {
                    open = false;
                }
            };
        }
    }
}
