package dev.efspipe.processor.output;

import java.io.IOException;

/**
 * Unwinds a job that must stop at a clean boundary (its suspend check said so). Not a failure: the processor
 * catches it, saves a checkpoint of the output so far and continues in the next invocation.
 */
public final class Suspension extends IOException {
    private static final long serialVersionUID = 1L;

    public Suspension(long bytesWritten) {
        this("Suspended at a clean boundary after writing " + bytesWritten + " bytes in this invocation");
    }

    /** @param message a sentence for the log: where the job stopped */
    public Suspension(String message) {
        super(message);
    }
}
