package dev.efspipe.local.efs;

import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.local.Await;
import dev.efspipe.plugin.PluginMetadata;
import dev.efspipe.plugin.PluginStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two publishers of one plugin at once, as real processes: the first is held inside its publish (between
 * choosing its version and replacing {@code CURRENT}) while the second starts. The lock {@code plugins/.lock}
 * makes the second wait, so its version comes after the first's and {@code CURRENT} ends on the newest. Without
 * the lock the second would finish first and the first, waking up, would set {@code CURRENT} back to the older
 * version (tried: it does).
 */
class PluginPublishRaceIT {
    @TempDir
    Path efs;
    @TempDir
    Path work;

    @Test
    void aSecondPublisherWaitsForTheFirstAndCurrentEndsOnTheNewestVersion() throws Exception {
        Path one = PluginJars.exampleWithMask(work.resolve("one.jar"), '1');
        Path two = PluginJars.exampleWithMask(work.resolve("two.jar"), '2');
        Path firstLog = work.resolve("first.log");
        Path secondLog = work.resolve("second.log");

        Process first = ChildJvm.cli(firstLog, Map.of(), List.of("-D" + PluginStore.PAUSE_PROPERTY + "=4000"),
                "plugin", "publish", "mask-email", one.toString(), "--efs", efs.toString());
        Await.untilLogSays(first, firstLog, PluginStore.PAUSE_MARKER, Duration.ofSeconds(120));
        Process second = ChildJvm.cli(secondLog, Map.of(), List.of(),
                "plugin", "publish", "mask-email", two.toString(), "--efs", efs.toString());

        assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(Files.readString(firstLog)).isZero();
        assertThat(second.exitValue()).as(Files.readString(secondLog)).isZero();

        PluginStore store = new PluginStore(new EfsLayout(efs), null, null, null);
        PluginName name = PluginName.of("mask-email");
        List<Version> versions = store.versions(name);
        assertThat(versions).hasSize(2);
        PluginMetadata newest = store.metadata(name, versions.get(1));
        assertThat(newest.sha256()).as("the later publish has the later version").isEqualTo(PluginStore.sha256Hex(two));
        assertThat(store.current(name)).as("CURRENT names the newest version").contains(versions.get(1));
        for (Version v : versions) {
            assertThat(PluginStore.sha256Hex(store.jar(name, v))).isEqualTo(store.metadata(name, v).sha256());
        }
        try (var staging = Files.list(efs.resolve("plugins/.staging"))) {
            assertThat(staging).isEmpty();
        }
    }
}
