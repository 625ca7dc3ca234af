package dev.efspipe.local.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./pipeline}'s first build printed raw terminal escapes ({@code ESC[0mESC[0m}) around Maven's output. The
 * cause: Maven installs Jansi for its console, and where Jansi's native library is missing (Debian's Maven) it
 * writes a colour reset when it is installed and uninstalled, whatever {@code -B} or {@code -Dstyle.color=never}
 * say. {@code .mvn/jvm.config} sets {@code -Djansi.noreset=true} for every Maven run in this project, the
 * launcher's included. These run Maven from a shell as the launcher does (from the project root, batch mode,
 * quiet) and require output free of escape characters.
 */
class LauncherOutputIT {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    private static String shell(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }

    @Test
    void mavenAsTheLauncherRunsIt_printsNoTerminalEscapes() throws Exception {
        assumeTrue(onPath("mvn"), "no mvn on the PATH");

        String out = shell("cd '" + ROOT + "' && mvn -B -q -o -Dstyle.color=never validate");

        assertThat(out).doesNotContain("\u001b");
    }

    @Test
    void theLauncherRunsItsBuildFromTheProjectRoot_whereJvmConfigApplies() throws Exception {
        String launcher = Files.readString(ROOT.resolve("pipeline"));

        assertThat(Files.readString(ROOT.resolve(".mvn/jvm.config"))).contains("-Djansi.noreset=true");
        assertThat(launcher).contains("(cd \"$root\" && mvn -B -q");
        assertThat(shell("cd / && '" + ROOT.resolve("pipeline") + "' --version")).doesNotContain("\u001b").contains("efspipe");
    }
}
