package dev.efspipe.processor.input;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.RelativePath;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file a web app wrote into the EFS inbox, named by an {@code efs-upload} message. The path is checked
 * when the file is opened, so a bad one fails the job permanently (recorded under {@code failed/}) rather
 * than before the job is claimed: it must be a safe relative path, and the file it names, after
 * following links, must be a regular file inside the inbox.
 */
public final class InboxInputSource implements InputSource {
    private final Path inbox;
    private final String path;

    public InboxInputSource(Path inbox, String path) {
        this.inbox = inbox;
        this.path = path;
    }

    @Override
    public String describe() {
        return "efs:inbox/" + DatasetName.printable(path);
    }

    @Override
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public long size() throws IOException {
        return Files.size(resolve());
    }

    @Override
    public boolean onEfs() {
        return true;
    }

    @Override
    public SeekableByteChannel openChannel() throws IOException {
        return FileChannel.open(resolve(), StandardOpenOption.READ);
    }

    private Path resolve() throws IOException {
        String safe;
        try {
            safe = RelativePath.check("efs-upload path", path);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage() + " (paths are relative to inbox/)", e);
        }
        Path file = inbox.resolve(safe);
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw e; // transient: the web app may not have finished its rename; the message comes back
        }
        if (!real.startsWith(inbox.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(describe() + " is not a regular file inside the inbox (a link, a directory, "
                    + "or a device); it is not read");
        }
        return real;
    }
}
