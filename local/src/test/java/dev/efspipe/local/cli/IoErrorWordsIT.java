package dev.efspipe.local.cli;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The newcomer's two permission errors, as real processes: a dataset published by its owner (root here), then
 * {@code ./pipeline cat} run by a user outside the group, and {@code ./pipeline process} by a member of the group
 * (who may read but not write). Both are run as another uid with {@code setpriv}, so the test needs root.
 */
class IoErrorWordsIT {
    private static final String NOBODY = "65534";

    @TempDir
    Path dir;

    @Test
    void catAsAUserOutsideTheGroup_andProcessAsAReaderInTheGroup_sayWhatAccessIsNeeded() throws Exception {
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0"),
                "needs root, to run the CLI as another user");
        assumeTrue(onPath("setpriv"), "no setpriv (util-linux) to run the CLI as another user");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path efs = dir.resolve("efs");
        Path upload = Files.writeString(dir.resolve("orders.json"), "[{\"id\":1},{\"id\":2}]");
        Files.setPosixFilePermissions(upload, PosixFilePermissions.fromString("rw-r--r--"));
        Result published = run(List.of(), "process", upload.toString(), "--efs", efs.toString());
        assertThat(published.exit).as(published.output).isZero();
        Result readable = run(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "test", "-r"),
                jar());
        assumeTrue(readable.exit == 0, "the CLI jar " + jar() + " is not readable by uid " + NOBODY + " (a checkout under a private directory)");

        Result outsider = run(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"),
                "cat", "orders", "--efs", efs.toString());

        assertThat(outsider.exit).isEqualTo(1);
        assertThat(outsider.output.strip()).isEqualTo("pipeline cat: permission denied: " + efs.resolve("published/orders/CURRENT")
                + ". Reaching it needs search (x) permission on the directory " + efs
                + "; it is drwxr-x--- (750), owner root (uid 0), group root (gid 0): search (x) is allowed for the owner"
                + " (root (uid 0)) and members of group root (gid 0) only; this process runs as uid 65534, gid 65534, groups (none)");

        Path another = Files.writeString(dir.resolve("more.json"), "[{\"id\":3}]");
        Files.setPosixFilePermissions(another, PosixFilePermissions.fromString("rw-r--r--"));
        Result reader = run(List.of("setpriv", "--reuid=" + NOBODY, "--regid=0", "--clear-groups"),
                "process", another.toString(), "--efs", efs.toString());

        assertThat(reader.exit).isEqualTo(1);
        assertThat(reader.output).containsPattern("pipeline process: permission denied: " + efs.resolve("jobs")
                + "/[0-9a-f]{2}(/\\.lock)?\\. (Creating it needs write \\(w\\) permission on its directory "
                + efs.resolve("jobs") + "|Writing it needs write \\(w\\) permission on it); it is d?rw[x-]r-[x-]--- \\((750|640)\\), owner root"
                + " \\(uid 0\\), group root \\(gid 0\\): write \\(w\\) is allowed for the owner \\(root \\(uid 0\\)\\) only;"
                + " this process runs as uid 65534, gid 0, groups \\(none\\)");
    }

    private record Result(int exit, String output) {}

    private Result run(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        if (args.length > 0 && !args[0].startsWith("/")) {
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-jar", jar()));
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static String jar() {
        return Path.of(System.getProperty("project.root", "..")).resolve("local/target/pipeline-local.jar").toAbsolutePath().normalize().toString();
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }
}
