package dev.efspipe.local.efs;

import dev.efspipe.catalog.Catalog;
import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One writer of the catalog in its own JVM: waits for the gate file, then appends {@code count} entries
 * numbered 0..count-1 under its writer name. Arguments: efs dir, writer name, count, gate file.
 */
public final class CatalogAppenderChild {
    public static void main(String[] args) throws Exception {
        EfsLayout layout = new EfsLayout(Path.of(args[0]));
        String writer = args[1];
        int count = Integer.parseInt(args[2]);
        Path gate = Path.of(args[3]);
        Catalog catalog = new Catalog(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(60));
        System.out.println("READY");
        System.out.flush();
        while (!Files.exists(gate)) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < count; i++) {
            catalog.append(new CatalogEntry(CatalogEntry.PUBLISH, "ds-" + writer, "v" + i, null, i, 1, 100,
                    "writer " + writer + " entry " + i, Instant.now(), writer));
        }
        System.exit(0);
    }
}
