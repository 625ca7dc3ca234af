package dev.efspipe.fs;

import dev.efspipe.config.Permissions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every class of I/O failure in words, each produced for real: a refused access as another user (as root the
 * test runs a child JVM as {@code nobody} with {@code setpriv}, since root itself passes every permission check;
 * otherwise the test's own user meets a mode without the bit), a full file system (a 64 KiB tmpfs) and a
 * read-only one (a tmpfs mounted read-only); mounting needs root, so those two are skipped, saying why, without it.
 */
class IoErrorsTest {
    private static final long NOBODY = 65534;

    @TempDir
    Path dir;

    private static boolean root() {
        return IoErrors.identity().startsWith("uid 0,");
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }

    /**
     * {@code op} on {@code path} as another user: as root, a child JVM as nobody (uid and gid 65534, no
     * supplementary groups); else this process, whose user lacks the bit the test took away.
     */
    private String asAnotherUser(String op, Path path) throws Exception {
        if (!root()) {
            IoErrorChildInProcess result = new IoErrorChildInProcess();
            return result.run(op, path);
        }
        assumeTrue(onPath("setpriv"), "running as root, where permission bits are bypassed, and no setpriv to run as"
                + " another user: install util-linux");
        Path classes = Files.createDirectories(dir.resolve("classes/dev/efspipe/fs"));
        for (Class<?> c : List.of(IoErrors.class, IoErrorChild.class)) {
            Path compiled = classFile(c);
            try (Stream<Path> siblings = Files.list(compiled.getParent())) {
                for (Path f : siblings.filter(f -> f.getFileName().toString().startsWith(c.getSimpleName())).toList()) {
                    Files.copy(f, classes.resolve(f.getFileName()));
                }
            }
        }
        openToEveryone(dir.resolve("classes"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-Xshare:off",
                "-cp", dir.resolve("classes").toString(), IoErrorChild.class.getName(), op, path.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child as nobody: %s", out).isZero();
        return out;
    }

    private static Path classFile(Class<?> c) throws URISyntaxException {
        Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        return root.resolve(c.getName().replace('.', '/') + ".class");
    }

    /** Makes the test directory and everything under {@code tree} readable and searchable by others. */
    private void openToEveryone(Path tree) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        for (Path p = tree.getParent(); !p.equals(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void mode(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private static void group(Path p, long gid) throws IOException {
        Files.setAttribute(p, "unix:gid", (int) gid);
    }

    @Test
    void permissionDenied_readingAFile_saysReadIsNeededAndWhoHasIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("published/orders"));
        Path current = Files.writeString(data.resolve("CURRENT"), "v1\n");
        mode(dir, "rwxr-xr-x");
        mode(dir.resolve("published"), "rwxr-xr-x");
        mode(data, "rwxr-xr-x");
        mode(current, root() ? "rw-r-----" : "---------");

        String words = asAnotherUser("read", current);

        assertThat(words).startsWith("permission denied: " + current + ". Reading it needs read (r) permission on it; it is -");
        if (root()) {
            assertThat(words).contains("-rw-r----- (640), owner root (uid 0), group root (gid 0): read (r) is allowed for"
                    + " the owner (root (uid 0)) and members of group root (gid 0) only; this process runs as uid 65534,"
                    + " gid 65534, groups (none)");
        } else {
            assertThat(words).contains("---------- (0)").contains("read (r) is allowed for nobody: the mode must change (chmod)");
        }
    }

    @Test
    void permissionDenied_behindADirectory_namesTheDirectoryThatNeedsSearch() throws Exception {
        Path jobs = Files.createDirectories(dir.resolve("jobs/fa"));
        Path record = Files.writeString(jobs.resolve("fa01.json"), "{}");
        mode(dir, "rwxr-xr-x");
        mode(dir.resolve("jobs"), root() ? "rwxr-x---" : "rw-------");
        mode(jobs, "rwxr-xr-x");

        String words = asAnotherUser("read", record);

        assertThat(words).startsWith("permission denied: " + record + ". Reaching it needs search (x) permission on the directory "
                + dir.resolve("jobs") + "; it is d");
        if (root()) {
            assertThat(words).contains("drwxr-x--- (750), owner root (uid 0), group root (gid 0): search (x) is allowed"
                    + " for the owner (root (uid 0)) and members of group root (gid 0) only");
        }
        mode(dir.resolve("jobs"), "rwxr-xr-x"); // let @TempDir clean up
    }

    /** The case: a reader in the access point's group runs {@code process}, which must write the shard lock. */
    @Test
    void permissionDenied_aGroupMemberWhoMayOnlyRead_isToldWritingNeedsTheOwner() throws Exception {
        assumeTrue(root(), "needs root to give a file to another group and run as a member of it");
        Path shard = Files.createDirectories(dir.resolve("jobs/fa"));
        Path lock = Files.createFile(shard.resolve(".lock"));
        mode(dir, "rwxr-xr-x");
        for (Path p : List.of(dir.resolve("jobs"), shard)) {
            mode(p, "rwxr-x---");
            group(p, NOBODY);
        }
        mode(lock, "rw-r-----");
        group(lock, NOBODY);

        String words = asAnotherUser("write", lock);

        assertThat(words).isEqualTo("permission denied: " + lock + ". Writing it needs write (w) permission on it; it is"
                + " -rw-r----- (640), owner root (uid 0), group nogroup (gid 65534): write (w) is allowed for the owner"
                + " (root (uid 0)) only; this process runs as uid 65534, gid 65534, groups (none)");
    }

    @Test
    void permissionDenied_creatingAFile_namesTheDirectoryThatNeedsWrite() throws Exception {
        Path failed = Files.createDirectories(dir.resolve("failed"));
        mode(dir, "rwxr-xr-x");
        mode(failed, root() ? "rwxr-xr-x" : "r-x------");

        String words = asAnotherUser("write", failed.resolve("new.json"));

        assertThat(words).startsWith("permission denied: " + failed.resolve("new.json") + ". Creating it needs write (w)"
                + " permission on its directory " + failed + "; it is dr");
        mode(failed, "rwxr-xr-x");
    }

    @Test
    void diskFull_saysTheFileSystemIsFull_namesTheFileAndTheFreeSpace() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small"));
        mount(mount, "size=64k");
        try {
            Path part = mount.resolve("part-00000.ndjson");
            IOException failure;
            try (OutputStream out = new DurableFiles(Permissions.DEFAULT).createFile(part)) {
                byte[] block = new byte[8192];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
                throw new AssertionError("128 KiB fitted into a 64 KiB file system");
            } catch (IOException e) {
                failure = e;
            }

            assertThat(IoErrors.describe("writing a part", failure)).startsWith(
                    "writing a part: no space left: the file system is full: " + part + "; ").contains(" free on " + mount);
        } finally {
            unmount(mount);
        }
    }

    @Test
    void readOnly_saysNothingCanBeWritten() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("ro"));
        mount(mount, "ro,size=64k");
        try {
            Path record = mount.resolve("job.json");

            assertThatThrownBy(() -> new DurableFiles(Permissions.DEFAULT).writeAtomically(record, new byte[] {'{', '}'}))
                    .isInstanceOfSatisfying(FileSystemException.class, e -> assertThat(IoErrors.describe(e))
                            .startsWith("the file system is read-only, nothing can be written to it: " + mount + "/.job.json.")
                            .endsWith(" (" + mount + " (tmpfs), mounted read-only)"));
        } finally {
            unmount(mount);
        }
    }

    @Test
    void notADirectory_namesThePartOfThePathThatIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("published"), "a file where a directory belongs");

        assertThatThrownBy(() -> Files.readAllBytes(file.resolve("orders/CURRENT")))
                .isInstanceOfSatisfying(FileSystemException.class, e -> assertThat(IoErrors.describe("reading CURRENT", e))
                        .isEqualTo("reading CURRENT: not a directory: a part of the path is a file: "
                                + file.resolve("orders/CURRENT") + " (" + file + " is a file)"));
    }

    @Test
    void noSuchFile_namesTheDeepestDirectoryThatExists() {
        Path missing = dir.resolve("published/orders/CURRENT");

        assertThatThrownBy(() -> Files.readAllBytes(missing))
                .isInstanceOfSatisfying(IOException.class, e -> assertThat(IoErrors.describe(e))
                        .isEqualTo("no such file or directory: " + missing + " (" + dir + " exists, published/orders inside it does not)"));
    }

    @Test
    void aStreamFailureWithoutAPath_getsThePathBack() {
        IOException bare = new IOException("No space left on device");

        assertThat(IoErrors.describe(IoErrors.onPath(bare, dir.resolve("x")))).startsWith("no space left: the file system is full: " + dir.resolve("x"));
        assertThat(IoErrors.describe(bare)).isEqualTo("no space left: the file system is full");
    }

    @Test
    void aMessageItDoesNotKnow_isKeptAsItIs() {
        assertThat(IoErrors.describe(new IOException("Could not send job 1 to q: throttled"))).isEqualTo("Could not send job 1 to q: throttled");
        assertThat(IoErrors.describe(new IOException("the target file exists already, and no space left on device was reported")))
                .as("only a reason that is exactly the system's text is reworded")
                .isEqualTo("the target file exists already, and no space left on device was reported");
    }

    private static void mount(Path at, String options) throws Exception {
        assumeTrue(root(), "mounting a tmpfs needs root: run the tests as root to see this failure for real");
        assumeTrue(onPath("mount"), "no mount command");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assumeTrue(p.exitValue() == 0, "mount -t tmpfs refused here (a container without CAP_SYS_ADMIN?): " + out.trim());
    }

    private static void unmount(Path at) throws Exception {
        Process p = new ProcessBuilder("umount", at.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Non-root runs: the operation in this process, which lacks the permission the test took away. */
    private static final class IoErrorChildInProcess {
        String run(String op, Path path) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream old = System.out;
            synchronized (IoErrorsTest.class) {
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                try {
                    IoErrorChild.main(new String[] {op, path.toString()});
                } finally {
                    System.setOut(old);
                }
            }
            return buf.toString(StandardCharsets.UTF_8).trim();
        }
    }
}
