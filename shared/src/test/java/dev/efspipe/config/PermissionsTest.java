package dev.efspipe.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PermissionsTest {

    @Test
    void shouldDefaultTo750And640() {
        assertThat(Permissions.DEFAULT.forDirectories()).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Permissions.DEFAULT.forFiles()).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void shouldRejectWorldBitsOnDirectories() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Permissions(0755, 0640))
                .withMessageContaining("nothing to others")
                .withMessageContaining("directories 755");
    }

    @Test
    void shouldRejectWorldBitsOnFiles() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Permissions(0750, 0644))
                .withMessageContaining("nothing to others")
                .withMessageContaining("files 644");
    }

    @ParameterizedTest
    @ValueSource(ints = {0751, 0752, 0754, 0757})
    void shouldRejectAnySingleWorldBit(int dirMode) {
        assertThatIllegalArgumentException().isThrownBy(() -> new Permissions(dirMode, 0640));
    }

    @Test
    void shouldRejectModesThatLockOutTheOwner() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Permissions(0650, 0640))
                .withMessageContaining("owner needs rwx");
        assertThatIllegalArgumentException().isThrownBy(() -> new Permissions(0750, 0440))
                .withMessageContaining("owner needs");
    }

    @Test
    void shouldAcceptStricterModes() {
        Permissions p = new Permissions(0700, 0600);

        assertThat(p.forDirectories()).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(p.forFiles()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldParseOctalModes() {
        assertThat(Settings.environment(Map.of("PIPELINE_DIR_MODE", " 750 ")).mode("PIPELINE_DIR_MODE", 0700)).isEqualTo(0750);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rwx", "789", "1750", "-1"})
    void shouldNameTheSource_whenAModeIsNotOctal(String raw) {
        Settings settings = Settings.environment(Map.of("PIPELINE_DIR_MODE", raw));
        assertThatIllegalArgumentException().isThrownBy(() -> settings.mode("PIPELINE_DIR_MODE", 0750))
                .withMessageContaining("PIPELINE_DIR_MODE")
                .withMessageContaining("'" + raw + "'")
                .withMessageContaining("(from the environment)");
    }
}
