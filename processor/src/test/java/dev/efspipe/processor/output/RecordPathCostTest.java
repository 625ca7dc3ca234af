package dev.efspipe.processor.output;

import com.sun.management.ThreadMXBean;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.json.JsonLimits;
import dev.efspipe.processor.json.RecordCheck;
import dev.efspipe.processor.transform.RecordTransformChain;
import dev.efspipe.spi.RecordTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job without transforms pays nothing for them: its records go from the splitter straight into the part
 * file's stream, with no buffer, no copy and no allocation per record. (With a chain, each record is buffered,
 * copied for the transform and checked: the measurement below sees that too, so it measures something.)
 */
class RecordPathCostTest {
    private static final int RECORDS = 100_000;
    private static final byte[] RECORD = "{\"id\":12345,\"name\":\"a record of some length\",\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private static long allocatedByThisThread() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Bytes this thread allocates per record, after a warm-up (the part is open, the code compiled). */
    private static double bytesPerRecord(StagingOutput out) throws IOException {
        for (int i = 0; i < 20_000; i++) {
            out.recordStream("doc.json").write(RECORD);
            out.endRecord();
        }
        long before = allocatedByThisThread();
        for (int i = 0; i < RECORDS; i++) {
            out.recordStream("doc.json").write(RECORD);
            out.endRecord();
        }
        return (allocatedByThisThread() - before) / (double) RECORDS;
    }

    private StagingOutput output(String name, RecordTransformChain chain) throws IOException {
        return new StagingOutput(Files.createDirectory(root.resolve(name)), new DurableFiles(Permissions.DEFAULT), 1L << 40, false, null,
                written -> false, chain);
    }

    @Test
    void withoutTransformsRecordsGoStraightIntoThePartWithNoAllocationPerRecord() throws IOException {
        try (StagingOutput out = output("plain", null)) {
            OutputStream first = out.recordStream("doc.json");
            first.write(RECORD);
            out.endRecord();

            assertThat(out.recordStream("doc.json")).as("the same stream for every record: the part's own").isSameAs(first);
            out.endRecord();
            assertThat(out.fields()).as("one field summary, fed by the splitter").isSameAs(out.summary());
            assertThat(bytesPerRecord(out)).isLessThan(1.0);
        }
    }

    @Test
    void withATransformEachRecordIsBufferedCopiedAndChecked() throws IOException {
        RecordTransform identity = new RecordTransform() {
            @Override
            public String name() {
                return "identity";
            }

            @Override
            public byte[] apply(byte[] record) {
                return record;
            }
        };
        RecordTransformChain chain = new RecordTransformChain(List.of(new RecordTransformChain.Step("identity", identity)),
                new RecordCheck(JsonLimits.DEFAULTS));
        try (StagingOutput out = output("chained", chain)) {
            assertThat(bytesPerRecord(out)).as("at least the copy handed to the transform").isGreaterThan(RECORD.length);
        }
    }
}
