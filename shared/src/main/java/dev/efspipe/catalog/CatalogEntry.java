package dev.efspipe.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the catalog journal.
 *
 * @param event   {@code publish} or {@code unpublish}
 * @param writer  who appended it (host/pid or Lambda request), for people reading the journal
 */
public record CatalogEntry(String event, String dataset, String version, String jobId, long records,
                           int parts, long bytes, String source, Instant at, String writer) {
    public static final String PUBLISH = "publish";
    public static final String UNPUBLISH = "unpublish";

    public CatalogEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(at, "at");
    }

    public boolean sameEvent(CatalogEntry o) {
        return event.equals(o.event) && dataset.equals(o.dataset) && version.equals(o.version);
    }
}
