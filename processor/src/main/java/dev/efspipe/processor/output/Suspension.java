package dev.efspipe.processor.output;

import java.io.IOException;

/**
 * Unwinds a job that must stop at a clean boundary (its budget ran out). Not a failure: the processor
 * catches it, saves a checkpoint of the output so far and continues in the next invocation.
 */
public final class Suspension extends IOException {
    public Suspension(long bytesWritten) {
        super("Suspended at a clean boundary after writing " + bytesWritten + " bytes in this invocation");
    }
}
