package dev.efspipe.local.efs;

import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.local.Await;
import dev.efspipe.local.demo.DemoArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once effect, with real processes: the same job delivered to four processor JVMs at the same
 * moment is published once; the other three see it claimed (busy) or already published.
 */
class ExactlyOnceIT {
    @Test
    void sameJobInFourProcessesAtOncePublishesOneVersion(@TempDir Path dir) throws Exception {
        Path efs = dir.resolve("efs");
        Path upload = DemoArchive.write(dir.resolve("race.zip"), 20_000, 9);
        Path gate = dir.resolve("go");

        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            children.add(ChildJvm.main(ProcessorChild.class, dir.resolve("child-" + i + ".log"), Map.of(),
                    efs.toString(), upload.toString(), "race", gate.toString()));
        }
        for (int i = 0; i < 4; i++) {
            Await.untilLogSays(children.get(i), dir.resolve("child-" + i + ".log"), "READY", Duration.ofSeconds(60));
        }
        Files.createFile(gate);

        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(children.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(dir.resolve("child-" + i + ".log"));
            assertThat(children.get(i).exitValue()).as("child %d; log:%n%s", i, log).isZero();
            outcomes.add(log.lines().filter(l -> l.startsWith("OUTCOME ")).findFirst().orElseThrow().split(" ")[1]);
        }
        assertThat(outcomes).filteredOn("PUBLISHED"::equals).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !o.equals("PUBLISHED")).hasSize(3).allMatch(o -> o.equals("BUSY") || o.equals("DUPLICATE"));

        DatasetName dataset = DatasetName.of("race");
        assertThat(PublishedState.assertAllOrNothing(efs, dataset)).hasSize(1);
        assertThat(PublishedState.catalog(efs)).filteredOn(e -> e.event().equals(CatalogEntry.PUBLISH)).hasSize(1);
    }
}
