package dev.efspipe.processor.input;

import dev.efspipe.job.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An efs-upload's path can only ever name a regular file inside the inbox. */
class InboxInputSourceTest {
    @TempDir
    Path efs;

    @Test
    void readsARegularFileInsideTheInbox() throws Exception {
        Path inbox = Files.createDirectories(efs.resolve("inbox/web"));
        Files.writeString(inbox.resolve("a.json"), "[1]");

        InboxInputSource source = new InboxInputSource(efs.resolve("inbox"), "web/a.json");

        assertThat(source.size()).isEqualTo(3);
        try (var ch = source.openChannel()) {
            assertThat(ch.size()).isEqualTo(3);
        }
    }

    @Test
    void dotDotPathIsAPermanentFailure() {
        InboxInputSource source = new InboxInputSource(efs.resolve("inbox"), "../jobs/secret.json");

        assertThatThrownBy(source::openChannel).isInstanceOf(InvalidInputException.class).hasMessageContaining("'..'");
    }

    @Test
    void symlinkPointingOutOfTheInboxIsAPermanentFailure() throws Exception {
        Path inbox = Files.createDirectories(efs.resolve("inbox"));
        Path secret = Files.writeString(efs.resolve("outside.json"), "[\"secret\"]");
        Files.createSymbolicLink(inbox.resolve("link.json"), secret);

        InboxInputSource source = new InboxInputSource(inbox, "link.json");

        assertThatThrownBy(source::openChannel).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a regular file inside the inbox");
    }

    @Test
    void missingFileIsTransient() throws Exception {
        Files.createDirectories(efs.resolve("inbox"));

        assertThatThrownBy(() -> new InboxInputSource(efs.resolve("inbox"), "not-yet.json").openChannel())
                .isInstanceOf(NoSuchFileException.class)
                .isNotInstanceOf(InvalidInputException.class);
    }
}
