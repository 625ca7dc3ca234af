package dev.efspipe.plugin;

import dev.efspipe.config.Permissions;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PluginStoreTest {
    private static final PluginName MASK = PluginName.of("mask-email");
    private static final Instant T0 = Instant.parse("2026-11-26T06:15:00.123Z");

    @TempDir
    Path root;
    @TempDir
    Path work;

    private PluginStore store(Instant now) {
        EfsLayout layout = new EfsLayout(root);
        return new PluginStore(layout, new DurableFiles(Permissions.DEFAULT), Duration.ofSeconds(5), Clock.fixed(now, ZoneOffset.UTC));
    }

    private Path jar(String content) throws IOException {
        Path jar = work.resolve(content + ".jar");
        Files.writeString(jar, content);
        return jar;
    }

    @Test
    void publishWritesJarAndMetadataAndCurrent() throws IOException {
        PluginStore.Published p = store(T0).publish(MASK, jar("one"), "one.jar", List.of("mask-email"), "tester");

        assertThat(p.created()).isTrue();
        Version v = new Version(p.metadata().version());
        assertThat(v.value()).startsWith("20261126T061500.123Z-").endsWith(p.metadata().sha256().substring(0, 12));
        Path dir = root.resolve("plugins/mask-email").resolve(v.value());
        assertThat(dir.resolve("plugin.jar")).hasContent("one");
        assertThat(PluginStore.sha256Hex(dir.resolve("plugin.jar"))).isEqualTo(p.metadata().sha256());
        assertThat(store(T0).metadata(MASK, v)).isEqualTo(p.metadata());
        assertThat(p.metadata().bytes()).isEqualTo(3);
        assertThat(p.metadata().source()).isEqualTo("one.jar");
        assertThat(p.metadata().transforms()).containsExactly("mask-email");
        assertThat(root.resolve("plugins/mask-email/CURRENT")).hasContent(v.value());
        assertThat(store(T0).current(MASK)).contains(v);
        assertThat(root.resolve("plugins/.staging")).isEmptyDirectory();
    }

    @Test
    void aNewJarBecomesCurrentAndTheOldVersionStays() throws IOException {
        Version one = new Version(store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t").metadata().version());
        Version two = new Version(store(T0.plusSeconds(60)).publish(MASK, jar("two"), "two.jar", List.of(), "t").metadata().version());

        assertThat(store(T0).current(MASK)).contains(two);
        assertThat(store(T0).versions(MASK)).containsExactly(one, two);
        assertThat(store(T0).names()).containsExactly(MASK);
    }

    @Test
    void republishingTheCurrentJarCreatesNoVersion() throws IOException {
        PluginStore.Published first = store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t");
        PluginStore.Published again = store(T0.plusSeconds(5)).publish(MASK, jar("one"), "again.jar", List.of(), "t");

        assertThat(again.created()).isFalse();
        assertThat(again.metadata()).isEqualTo(first.metadata());
        assertThat(store(T0).versions(MASK)).hasSize(1);
        assertThat(root.resolve("plugins/.staging")).isEmptyDirectory();
    }

    @Test
    void aPublisherWhoseClockIsBehindStillBecomesCurrent() throws IOException {
        store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t");
        Version behind = new Version(store(T0.minusSeconds(3600)).publish(MASK, jar("two"), "two.jar", List.of(), "t").metadata().version());

        assertThat(behind.instant()).isEqualTo(T0.plusMillis(1));
        assertThat(store(T0).current(MASK)).contains(behind);
    }

    @Test
    void unpublishingTheCurrentVersionMovesCurrentBack() throws IOException {
        Version one = new Version(store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t").metadata().version());
        Version two = new Version(store(T0.plusSeconds(1)).publish(MASK, jar("two"), "two.jar", List.of(), "t").metadata().version());

        assertThat(store(T0).unpublish(MASK, Optional.of(two))).isTrue();

        assertThat(store(T0).current(MASK)).contains(one);
        assertThat(store(T0).versions(MASK)).containsExactly(one);
        assertThat(root.resolve("plugins/mask-email").resolve(two.value())).doesNotExist();
        assertThat(root.resolve("plugins/.trash")).isEmptyDirectory();
    }

    @Test
    void unpublishingThePluginRemovesEveryVersion() throws IOException {
        store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t");
        store(T0.plusSeconds(1)).publish(MASK, jar("two"), "two.jar", List.of(), "t");

        assertThat(store(T0).unpublish(MASK, Optional.empty())).isTrue();

        assertThat(store(T0).current(MASK)).isEmpty();
        assertThat(store(T0).names()).isEmpty();
        assertThat(store(T0).unpublish(MASK, Optional.empty())).isFalse();
    }

    @Test
    void unpublishingTheLastVersionRemovesCurrent() throws IOException {
        Version one = new Version(store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t").metadata().version());

        store(T0).unpublish(MASK, Optional.of(one));

        assertThat(root.resolve("plugins/mask-email/CURRENT")).doesNotExist();
        assertThat(store(T0).current(MASK)).isEmpty();
    }

    @Test
    void aDeadPublishersStagingIsSweptOnceItIsStale() throws IOException {
        Path dead = Files.createDirectories(root.resolve("plugins/.staging/dead"));
        Files.writeString(dead.resolve("plugin.jar"), "half");
        Path young = Files.createDirectories(root.resolve("plugins/.staging/young"));
        Files.setLastModifiedTime(dead, FileTime.from(T0.minus(PluginStore.STALE_STAGING).minusSeconds(1)));
        Files.setLastModifiedTime(young, FileTime.from(T0.minusSeconds(60)));

        store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t");

        assertThat(dead).doesNotExist();
        assertThat(young).exists();
    }

    @Test
    void listingSkipsWhatIsNotAPlugin() throws IOException {
        store(T0).publish(MASK, jar("one"), "one.jar", List.of(), "t");
        Files.createDirectories(root.resolve("plugins/Not A Plugin"));
        Files.writeString(root.resolve("plugins/mask-email/stray.txt"), "x", StandardCharsets.UTF_8);

        assertThat(store(T0).names()).containsExactly(MASK);
        assertThat(store(T0).versions(MASK)).hasSize(1);
    }

    @Test
    void namesAreValidated() {
        assertThatIllegalArgumentException().isThrownBy(() -> PluginName.of(".staging")).withMessageContaining("Invalid plugin name");
        assertThatIllegalArgumentException().isThrownBy(() -> PluginName.of("../x"));
        assertThatIllegalArgumentException().isThrownBy(() -> PluginName.of("Upper"));
    }
}
