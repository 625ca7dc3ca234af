package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;

import java.util.HashMap;
import java.util.Map;

/**
 * The names one archive has used so far, so that no entry overwrites or shadows another. Refused: a name seen
 * before; a name that equals another after case folding and Unicode normalisation ({@link
 * EntryNames#collisionKey}), which a case-insensitive reader would see as one file; and an entry below a
 * name that is a file (or a file where a directory was). Directories may repeat, under exactly one spelling.
 * Every directory a path implies is registered too, so {@code Data/a.txt} and {@code data/b.txt} collide.
 */
final class EntryRegistry {
    /** A name as registered: its safe form, the entry's own spelling (null for implied directories), its kind. */
    private record Seen(String name, String raw, boolean file) {}

    private final String archive;
    private final Map<String, Seen> byKey = new HashMap<>();

    EntryRegistry(String archive) {
        this.archive = archive;
    }

    /**
     * Registers {@code safeName} (from {@link EntryNames#safeRelative} of {@code raw}), refusing it if it
     * collides.
     */
    void add(String safeName, String raw, boolean directory) throws InvalidInputException {
        String subject = "Entry '" + DatasetName.printable(raw) + "' of " + archive;
        int slash = -1;
        while ((slash = safeName.indexOf('/', slash + 1)) > 0) {
            String parent = safeName.substring(0, slash);
            Seen seen = byKey.putIfAbsent(EntryNames.collisionKey(parent), new Seen(parent, null, false));
            if (seen != null && seen.file()) {
                throw new InvalidInputException(subject + " is below entry '" + DatasetName.printable(seen.name())
                        + "', which is a file");
            }
            if (seen != null && !seen.name().equals(parent)) {
                throw new InvalidInputException(subject + " collides with directory '" + DatasetName.printable(seen.name())
                        + "' (same name after case folding, Unicode normalisation and dropping a leading ./)");
            }
        }
        Seen seen = byKey.putIfAbsent(EntryNames.collisionKey(safeName), new Seen(safeName, raw, !directory));
        if (seen == null || directory && !seen.file() && seen.name().equals(safeName)) {
            return;
        }
        if (!directory && seen.file() && raw.equals(seen.raw())) {
            throw new InvalidInputException(subject + " appears twice (an archive may not overwrite its own entries)");
        }
        throw new InvalidInputException(subject + " collides with " + (seen.file() ? "entry '" : "directory '")
                + DatasetName.printable(seen.raw() != null ? seen.raw() : seen.name())
                + "' (same name after case folding, Unicode normalisation and dropping a leading ./)");
    }
}
