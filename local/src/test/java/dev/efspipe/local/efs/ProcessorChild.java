package dev.efspipe.local.efs;

import dev.efspipe.config.EfsConfig;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.processor.ProcessorService;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.run.JobOutcome;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A processor in its own JVM for the multi-process tests. Builds the same job from the same upload as
 * every sibling, waits until the gate file appears (so that all start at the same moment), runs the job,
 * and prints its outcome: {@code OUTCOME <status>}.
 *
 * <p>Arguments: efs dir, upload file, dataset, gate file.
 */
public final class ProcessorChild {
    public static void main(String[] args) throws Exception {
        Path efs = Path.of(args[0]);
        Path upload = Path.of(args[1]);
        Path gate = Path.of(args[3]);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(EfsConfig.EFS_ROOT, efs.toString());
        ProcessorService processor = ProcessorService.fromEnvironment(env);
        Job job = Job.of(UploadSource.s3("uploads", "same/" + upload.getFileName(), null, "same-etag", Files.size(upload)),
                DatasetName.of(args[2]), Instant.parse("2026-11-26T00:00:00Z"));
        System.out.println("READY");
        System.out.flush();
        while (!Files.exists(gate)) {
            Thread.onSpinWait();
        }
        JobOutcome outcome = processor.run(job, new FileInputSource(upload), "child-" + ProcessHandle.current().pid());
        System.out.println("OUTCOME " + outcome.status() + " " + outcome.detail());
        System.exit(0);
    }
}
