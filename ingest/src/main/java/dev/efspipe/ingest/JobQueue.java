package dev.efspipe.ingest;

import dev.efspipe.job.Job;

import java.io.IOException;

/** Where ingest hands jobs to the processors: the process queue. */
public interface JobQueue {
    /** Sends one job; an {@link IOException} is transient (the announcement is retried). */
    void send(Job job) throws IOException;
}
