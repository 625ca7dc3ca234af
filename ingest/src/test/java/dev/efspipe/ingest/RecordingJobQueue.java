package dev.efspipe.ingest;

import dev.efspipe.job.Job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects the jobs ingest sends; fails (transiently) for the jobs a predicate picks, like a queue that is down. */
final class RecordingJobQueue implements JobQueue {
    final List<Job> sent = new ArrayList<>();
    private final Predicate<Job> unavailable;

    RecordingJobQueue(Predicate<Job> unavailable) {
        this.unavailable = unavailable;
    }

    RecordingJobQueue() {
        this(job -> false);
    }

    @Override
    public void send(Job job) throws IOException {
        if (unavailable.test(job)) {
            throw new IOException("process queue unavailable (test)");
        }
        sent.add(job);
    }
}
