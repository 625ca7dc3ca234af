package dev.efspipe.processor.archive;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.run.ContentProcessor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code UnpackInChildJvm <upload> <staging>}: processes one upload with the content processor, as a job
 * would, and prints "OK" with the records, files and peak heap. Run by {@link ConstantMemoryTest} in a JVM
 * with a small heap; ratio limits are raised because the test's data is deliberately very compressible.
 */
public final class UnpackInChildJvm {
    private UnpackInChildJvm() {}

    public static void main(String[] args) throws Exception {
        Path upload = Path.of(args[0]);
        Path staging = Files.createDirectories(Path.of(args[1]));
        UnpackLimits limits = UnpackLimits.builder().maxEntryRatio(10_000).maxTotalRatio(10_000).build();
        try (StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 64L << 20)) {
            new ContentProcessor(new JsonRecordSplitter(), limits).process(new FileInputSource(upload), out);
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            out.close();
            long bytes = out.files().stream().mapToLong(f -> f.bytes()).sum() + out.parts().stream().mapToLong(p -> p.bytes()).sum();
            System.out.println("OK records=" + out.records() + " files=" + out.files().size() + " bytes=" + bytes
                    + " maxHeap=" + Runtime.getRuntime().maxMemory() + " peakHeap=" + peak);
        }
    }
}
