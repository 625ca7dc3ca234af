package dev.efspipe.processor.archive;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.processor.format.Format;
import dev.efspipe.processor.input.FileInputSource;
import dev.efspipe.processor.json.JsonRecordSplitter;
import dev.efspipe.processor.limits.UnpackLimits;
import dev.efspipe.processor.output.StagingOutput;
import dev.efspipe.processor.run.ContentProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the {@link ContentProcessor} on an upload written into a work directory, as the job would: the upload
 * under {@code inputs/}, the output under {@code staging/}, and nothing else may appear in the work directory.
 */
public final class Unpacking {
    public final Path work;
    public final Path inputs;
    public final Path staging;
    /** What the last {@link #process} wrote (closed, also after a failure). */
    public StagingOutput output;

    public Unpacking(Path work) throws IOException {
        this.work = work;
        this.inputs = Files.createDirectories(work.resolve("inputs"));
        this.staging = Files.createDirectories(work.resolve("staging"));
    }

    public Format process(String fileName, byte[] content) throws IOException {
        return process(fileName, content, UnpackLimits.defaults());
    }

    public Format process(String fileName, byte[] content, UnpackLimits limits) throws IOException {
        Path file = Files.write(inputs.resolve(fileName), content);
        return process(file, limits);
    }

    public Format process(Path file, UnpackLimits limits) throws IOException {
        StagingOutput out = new StagingOutput(staging, new DurableFiles(Permissions.DEFAULT), 1 << 20);
        output = out;
        try (out) {
            return new ContentProcessor(new JsonRecordSplitter(), limits).process(new FileInputSource(file), out);
        }
    }

    public Path file(String relative) {
        return staging.resolve("files").resolve(relative);
    }

    /** Nothing was written next to the staging directory, wherever an entry tried to go. */
    public void assertNothingOutsideStaging() throws IOException {
        try (Stream<Path> children = Files.list(work)) {
            assertThat(children).containsExactlyInAnyOrder(inputs, staging);
        }
        try (Stream<Path> uploads = Files.list(inputs)) {
            assertThat(uploads).allSatisfy(p -> assertThat(p).isRegularFile());
        }
    }
}
