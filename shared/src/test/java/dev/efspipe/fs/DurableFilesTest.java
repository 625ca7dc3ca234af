package dev.efspipe.fs;

import dev.efspipe.config.Permissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurableFilesTest {
    private static final Set<PosixFilePermission> DIR_750 = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> FILE_640 = PosixFilePermissions.fromString("rw-r-----");

    @TempDir
    Path dir;

    private final DurableFiles files = new DurableFiles(Permissions.DEFAULT);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Stream<String> names(Path d) throws IOException {
        try (Stream<Path> list = Files.list(d)) {
            return list.map(p -> p.getFileName().toString()).toList().stream();
        }
    }

    @Test
    void shouldCreateDirectoriesAndMissingParentsWithMode750() throws Exception {
        Path deep = dir.resolve("a/b/c");

        files.createDirectories(deep);

        assertThat(Files.getPosixFilePermissions(dir.resolve("a"))).isEqualTo(DIR_750);
        assertThat(Files.getPosixFilePermissions(dir.resolve("a/b"))).isEqualTo(DIR_750);
        assertThat(Files.getPosixFilePermissions(deep)).isEqualTo(DIR_750);
    }

    @Test
    void shouldLeaveTheModeOfAnExistingDirectoryAlone() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwx------"));

        files.createDirectories(existing);

        assertThat(DurableFiles.describeMode(existing)).isEqualTo("rwx------");
    }

    @Test
    void shouldCreateFilesWithMode640() throws Exception {
        Path file = dir.resolve("out.ndjson");

        try (OutputStream out = files.createFile(file)) {
            out.write(bytes("{}\n"));
        }

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(FILE_640);
        assertThat(file).hasContent("{}");
    }

    @Test
    void shouldRefuseToCreateAFileThatExists() throws Exception {
        Path file = Files.writeString(dir.resolve("out.ndjson"), "old");

        assertThatThrownBy(() -> files.createFile(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(file).hasContent("old");
    }

    @Test
    void shouldWriteAtomicallyWithMode640() throws Exception {
        Path file = dir.resolve("CURRENT");

        files.writeAtomically(file, bytes("v1\n"));

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(FILE_640);
    }

    @Test
    void shouldReplaceTheContent_andLeaveNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("CURRENT");
        files.writeAtomically(file, bytes("v1\n"));

        files.writeAtomically(file, bytes("v2\n"));

        assertThat(Files.readString(file)).isEqualTo("v2\n");
        assertThat(names(dir)).containsExactly("CURRENT");
    }

    @Test
    void shouldLeaveNoTemporaryFile_whenTheReplaceFails() throws Exception {
        Path target = Files.createDirectory(dir.resolve("CURRENT"));
        Files.writeString(target.resolve("inside"), "x"); // a non-empty directory cannot be replaced by a file

        assertThatThrownBy(() -> files.writeAtomically(target, bytes("v1\n"))).isInstanceOf(IOException.class);
        assertThat(names(dir)).containsExactly("CURRENT");
    }

    @Test
    void shouldCreateExclusively_whenTheFileIsNew() throws Exception {
        Path file = dir.resolve("job.json");

        boolean created = files.createExclusively(file, bytes("{\"owner\":\"a\"}"));

        assertThat(created).isTrue();
        assertThat(file).hasContent("{\"owner\":\"a\"}");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(FILE_640);
    }

    @Test
    void shouldReturnFalseAndLeaveTheFileUnchanged_whenCreatingExclusivelyAnExistingFile() throws Exception {
        Path file = dir.resolve("job.json");
        files.createExclusively(file, bytes("{\"owner\":\"a\"}"));

        boolean created = files.createExclusively(file, bytes("{\"owner\":\"b\"}"));

        assertThat(created).isFalse();
        assertThat(file).hasContent("{\"owner\":\"a\"}");
    }

    @Test
    void shouldNeverShowAReaderAnIncompleteFile_whenCreatingExclusively() throws Exception {
        Path file = dir.resolve("job.json");
        byte[] content = new byte[32 << 20]; // big enough that writing it takes many reads of a watcher's loop
        java.util.Arrays.fill(content, (byte) 'x');
        java.util.concurrent.atomic.AtomicLong firstSeenSize = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.CountDownLatch watching = new java.util.concurrent.CountDownLatch(1);
        Thread watcher = new Thread(() -> {
            watching.countDown();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    firstSeenSize.set(Files.size(file));
                    return;
                } catch (IOException notYet) {
                    Thread.onSpinWait();
                }
            }
        });
        watcher.start();
        watching.await();

        files.createExclusively(file, content);
        watcher.join(10_000);
        watcher.interrupt();

        assertThat(firstSeenSize.get()).as("the size a reader first saw").isEqualTo(content.length);
        assertThat(names(dir)).containsExactly("job.json");
    }

    @Test
    void shouldMoveAFileAtomically() throws Exception {
        Path source = Files.writeString(dir.resolve("a"), "A");
        Path target = dir.resolve("b");

        files.moveAtomically(source, target, false);

        assertThat(source).doesNotExist();
        assertThat(target).hasContent("A");
    }

    @Test
    void shouldMoveADirectoryTreeIntoAnotherDirectory() throws Exception {
        Path staging = Files.createDirectories(dir.resolve("staging/job/parts"));
        Files.writeString(staging.resolve("part-00000.ndjson"), "{}\n");
        Path target = Files.createDirectories(dir.resolve("published/ds")).resolve("v1");

        files.moveAtomically(dir.resolve("staging/job"), target, false);

        assertThat(dir.resolve("staging/job")).doesNotExist();
        assertThat(target.resolve("parts/part-00000.ndjson")).hasContent("{}");
    }

    @Test
    void shouldRefuseAnExistingTargetFile_withoutReplace() throws Exception {
        Path source = Files.writeString(dir.resolve("a"), "A");
        Path target = Files.writeString(dir.resolve("b"), "B");

        assertThatThrownBy(() -> files.moveAtomically(source, target, false))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(source.toString())
                .hasMessageContaining(target.toString());
        assertThat(source).hasContent("A");
        assertThat(target).hasContent("B");
    }

    @Test
    void shouldRefuseAnExistingEmptyTargetDirectory_withoutReplace() throws Exception {
        // rename(2) would silently replace an empty directory with a directory: the case the explicit check exists for.
        Path source = Files.createDirectory(dir.resolve("staging"));
        Files.writeString(source.resolve("manifest.json"), "{}");
        Path target = Files.createDirectory(dir.resolve("version"));

        assertThatThrownBy(() -> files.moveAtomically(source, target, false))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(source.resolve("manifest.json")).hasContent("{}");
        assertThat(target).isEmptyDirectory();
    }

    @Test
    void shouldReplaceAnExistingTarget_withReplace() throws Exception {
        Path source = Files.writeString(dir.resolve("a"), "A");
        Path target = Files.writeString(dir.resolve("b"), "B");

        files.moveAtomically(source, target, true);

        assertThat(source).doesNotExist();
        assertThat(target).hasContent("A");
    }

    @Test
    void shouldDeleteATree_andTolerateAMissingOne() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("trash/v1/parts"));
        Files.writeString(tree.resolve("p"), "x");

        DurableFiles.deleteTree(dir.resolve("trash"));
        DurableFiles.deleteTree(dir.resolve("trash"));

        assertThat(dir.resolve("trash")).doesNotExist();
    }

    @Test
    void shouldFsyncATreeWithoutChangingIt() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("staging/parts"));
        Files.writeString(tree.resolve("p"), "x");

        files.fsyncTree(dir.resolve("staging"));

        assertThat(tree.resolve("p")).hasContent("x");
    }
}
