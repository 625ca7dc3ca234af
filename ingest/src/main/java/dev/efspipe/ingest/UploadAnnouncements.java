package dev.efspipe.ingest;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.efspipe.job.Job;
import dev.efspipe.job.UploadSource;
import dev.efspipe.layout.DatasetName;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Turns S3 event notification records into jobs. Only {@code ObjectCreated:*} records of objects
 * become jobs; removals and folder markers (keys ending in {@code /} with size 0) are ignored with a
 * log line.
 *
 * <p>S3 form-encodes keys in event notifications ({@code +} is a space, {@code %2B} a plus); they are
 * decoded here exactly once, and the decoded key is what the job carries and reads.
 */
public final class UploadAnnouncements {
    private static final Logger LOG = Logger.getLogger(UploadAnnouncements.class.getName());

    private final Clock clock;

    public UploadAnnouncements(Clock clock) {
        this.clock = clock;
    }

    public List<Job> jobs(S3EventNotification notification) {
        List<Job> jobs = new ArrayList<>();
        if (notification.getRecords() == null) {
            return jobs;
        }
        for (S3EventNotification.S3EventNotificationRecord record : notification.getRecords()) {
            String event = record.getEventName();
            var s3 = record.getS3();
            if (event == null || !event.startsWith("ObjectCreated:") || s3 == null) {
                LOG.info(() -> "Ignoring S3 event " + event + ": only ObjectCreated events start jobs");
                continue;
            }
            String key = decodeKey(s3.getObject().getKey());
            Long size = s3.getObject().getSizeAsLong();
            long bytes = size == null ? 0 : size;
            if (key.endsWith("/") && bytes == 0) {
                LOG.info(() -> "Ignoring folder marker s3://" + s3.getBucket().getName() + "/" + key);
                continue;
            }
            UploadSource source = UploadSource.s3(s3.getBucket().getName(), key, s3.getObject().getVersionId(),
                    s3.getObject().geteTag(), bytes);
            Instant at = record.getEventTime() == null ? clock.instant() : Instant.ofEpochMilli(record.getEventTime().getMillis());
            jobs.add(Job.of(source, DatasetName.fromObjectKey(key), at));
        }
        return jobs;
    }

    /** Decodes an event's object key once: {@code +} becomes a space and {@code %XX} the byte it names (UTF-8). */
    public static String decodeKey(String eventKey) {
        return URLDecoder.decode(eventKey, StandardCharsets.UTF_8);
    }
}
