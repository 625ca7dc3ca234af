package dev.efspipe.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an I/O failure into a sentence a person can act on: why in words, the path, and for a permission
 * problem the access that is missing, where, and who has it ({@code "permission denied: /efs/jobs/fa/.lock.
 * Writing it needs write (w) permission on it; it is -rw-r----- (640), owner uid 1001, group pipeline (gid
 * 1001): write is allowed for the owner only; this process runs as uid 1002, gid 1001, groups 1001"}).
 *
 * <p>The JDK's messages name only a path ({@code AccessDeniedException: /efs/jobs/fa/.lock}) or only a reason
 * ({@code IOException: No space left on device} from a stream's write). This class reads the reason from the
 * exception's type and the operating system's text, and for a refused access looks at the file system as this
 * process sees it: the first directory on the way that it may not search, or the file's mode, owner and group.
 * It never throws; what it cannot find out it leaves out.
 *
 * <p>Used by the CLI, the services' logs and failure records. Streams that lose the path (a {@code write} that
 * fails with "No space left on device") are given it back by {@link #onPath}.
 */
public final class IoErrors {
    private static final Pattern FILE_NOT_FOUND = Pattern.compile("(.+) \\((.+)\\)");

    private IoErrors() {}

    /** The failure in words (see the class comment). */
    public static String describe(IOException e) {
        return describe(null, e);
    }

    /**
     * The failure in words, after what was being done.
     *
     * @param action what failed, e.g. {@code "writing part parts/part-00003.ndjson"}; null to leave it out
     */
    public static String describe(String action, IOException e) {
        String sentence;
        try {
            sentence = sentence(e);
        } catch (RuntimeException bug) {
            sentence = String.valueOf(e.getMessage()); // never hide the failure behind a failure to describe it
        }
        return action == null ? sentence : action + ": " + sentence;
    }

    /**
     * {@code e} with {@code path} attached when it has none: a stream's {@code write} or {@code force} fails with
     * a bare reason ("No space left on device"). An exception that names a path already is returned as it is.
     */
    public static IOException onPath(IOException e, Path path) {
        if (e instanceof FileSystemException || e instanceof FileNotFoundException || path == null) {
            return e;
        }
        FileSystemException withPath = new FileSystemException(path.toString(), null,
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        withPath.initCause(e);
        return withPath;
    }

    private static String sentence(IOException e) {
        if (e instanceof AtomicMoveNotSupportedException m) {
            return "cannot be renamed atomically from " + m.getFile() + " to " + m.getOtherFile()
                    + ": both must be on the same file system";
        }
        if (e instanceof AccessDeniedException d) {
            return permission(d.getFile(), d.getOtherFile());
        }
        if (e instanceof NoSuchFileException n) {
            return missing(n.getFile(), n.getOtherFile());
        }
        if (e instanceof FileAlreadyExistsException x) {
            return "already exists: " + (x.getOtherFile() != null ? x.getOtherFile() : x.getFile());
        }
        if (e instanceof DirectoryNotEmptyException d) {
            return "the directory is not empty: " + d.getFile();
        }
        if (e instanceof NotDirectoryException d) {
            return "not a directory: " + d.getFile();
        }
        if (e instanceof FileSystemLoopException l) {
            return "symbolic links form a loop: " + l.getFile();
        }
        if (e instanceof FileSystemException f) {
            return byReason(f.getReason(), f.getFile(), f.getOtherFile());
        }
        if (e instanceof FileNotFoundException && e.getMessage() != null) {
            // java.io streams: "<path> (Permission denied)", "<path> (No such file or directory)".
            Matcher m = FILE_NOT_FOUND.matcher(e.getMessage());
            if (m.matches()) {
                return byReason(m.group(2), m.group(1), null);
            }
        }
        return byReason(e.getMessage(), null, null);
    }

    /**
     * Words for the operating system's reason, the strerror text the JDK passes on ("No space left on device").
     * Only a reason that is exactly such a text is put in other words; any other message is kept as it is.
     */
    private static String byReason(String reason, String file, String other) {
        String r = reason == null ? "" : reason.trim();
        String where = file == null ? "" : ": " + file + (other == null ? "" : " (and " + other + ")");
        return switch (r.toLowerCase(Locale.ROOT)) {
            case "permission denied" -> file != null ? permission(file, other) : "permission denied (the path was not given)";
            case "no such file or directory" -> file != null ? missing(file, other) : "no such file or directory";
            case "no space left on device" -> "no space left: the file system is full" + where + space(file);
            case "disk quota exceeded" -> "the disk quota is used up (no space left for this user)" + where;
            case "read-only file system" -> "the file system is read-only, nothing can be written to it" + where + store(file);
            case "not a directory" -> "not a directory: a part of the path is a file" + where + fileOnTheWay(file);
            case "is a directory" -> "is a directory, not a file" + where;
            case "stale file handle", "stale nfs file handle" ->
                    "stale file handle: the file was removed or replaced on the file server (NFS/EFS) while in use" + where;
            case "input/output error" -> "input/output error: the device or the network file system failed" + where;
            case "too many open files" -> "too many open files in this process (raise the limit: ulimit -n)" + where;
            case "operation not permitted" -> "operation not permitted: only the owner (or root) may do this, and an EFS"
                    + " access point acts as its own user" + where;
            case "file name too long" -> "the file name is too long for the file system" + where;
            case "directory not empty" -> "the directory is not empty" + where;
            case "file exists" -> "already exists" + where;
            default -> (r.isEmpty() ? "input/output failure" : r) + where;
        };
    }

    private static String missing(String file, String other) {
        StringBuilder s = new StringBuilder("no such file or directory: ").append(file);
        if (other != null) {
            s.append(" (and ").append(other).append(")");
        }
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path existing = p.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !existing.equals(p.getParent())) {
            s.append(" (").append(existing).append(" exists, ").append(existing.relativize(p.getParent()))
                    .append(" inside it does not)");
        }
        return s.toString();
    }

    /**
     * Why this process may not have its way with {@code file}: the first directory on the way it may not search
     * (x), else the file itself (read, else write), else, for a file that does not exist, its directory (write, to
     * create it).
     */
    private static String permission(String file, String other) {
        StringBuilder s = new StringBuilder("permission denied: ").append(file);
        if (other != null) {
            s.append(" (and ").append(other).append(")");
        }
        Path p = Path.of(file).toAbsolutePath().normalize();
        List<Path> ancestors = new ArrayList<>();
        for (Path a = p.getParent(); a != null; a = a.getParent()) {
            ancestors.add(0, a);
        }
        for (Path dir : ancestors) {
            if (Files.isDirectory(dir) && !Files.isExecutable(dir)) {
                return s.append(". Reaching it needs search (x) permission on the directory ").append(dir)
                        .append(needs(dir, PosixFilePermission.OWNER_EXECUTE, "search (x)")).toString();
            }
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            boolean dir = Files.isDirectory(p);
            if (!Files.isReadable(p)) {
                return s.append(dir ? ". Listing it needs read (r) permission on it" : ". Reading it needs read (r) permission on it")
                        .append(needs(p, PosixFilePermission.OWNER_READ, "read (r)")).toString();
            }
            if (!Files.isWritable(p)) {
                return s.append(dir ? ". Changing what is in it needs write (w) permission on it" : ". Writing it needs write (w) permission on it")
                        .append(needs(p, PosixFilePermission.OWNER_WRITE, "write (w)")).toString();
            }
            if (dir && !Files.isExecutable(p)) {
                return s.append(". Entering it needs search (x) permission on it")
                        .append(needs(p, PosixFilePermission.OWNER_EXECUTE, "search (x)")).toString();
            }
            Path parent = p.getParent();
            if (parent != null && !Files.isWritable(parent)) {
                return s.append(". Replacing, renaming or removing it needs write (w) permission on its directory ")
                        .append(parent).append(needs(parent, PosixFilePermission.OWNER_WRITE, "write (w)")).toString();
            }
        } else {
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent) && !Files.isWritable(parent)) {
                return s.append(". Creating it needs write (w) permission on its directory ").append(parent)
                        .append(needs(parent, PosixFilePermission.OWNER_WRITE, "write (w)")).toString();
            }
        }
        return s.append(". The mode bits allow this process (").append(identity())
                .append("), so the file system refused on its own terms (an EFS access point, an ACL, or root squashing)")
                .toString();
    }

    /**
     * "; it is drwxr-x--- (750), owner uid 1001, group pipeline (gid 1001): search (x) is allowed for the owner
     * and group pipeline; this process runs as uid 1002, gid 1002, groups 1002".
     */
    private static String needs(Path p, PosixFilePermission ownerBit, String access) {
        Optional<PosixFileAttributes> attrs = posix(p);
        if (attrs.isEmpty()) {
            return "; this process runs as " + identity();
        }
        Set<PosixFilePermission> perms = attrs.get().permissions();
        String owner = principal(attrs.get().owner().getName(), p, "unix:uid", "uid");
        String group = principal(attrs.get().group().getName(), p, "unix:gid", "gid");
        PosixFilePermission groupBit = PosixFilePermission.valueOf(ownerBit.name().replace("OWNER", "GROUP"));
        PosixFilePermission othersBit = PosixFilePermission.valueOf(ownerBit.name().replace("OWNER", "OTHERS"));
        List<String> who = new ArrayList<>();
        if (perms.contains(ownerBit)) {
            who.add("the owner (" + owner + ")");
        }
        if (perms.contains(groupBit)) {
            who.add("members of group " + group);
        }
        if (perms.contains(othersBit)) {
            who.add("everyone");
        }
        String allowed = who.isEmpty() ? access + " is allowed for nobody: the mode must change (chmod)"
                : access + " is allowed for " + String.join(" and ", who) + " only";
        return "; it is " + (Files.isDirectory(p) ? "d" : "-") + PosixFilePermissions.toString(perms) + " ("
                + octal(perms) + "), owner " + owner + ", group " + group + ": " + allowed
                + "; this process runs as " + identity();
    }

    private static String principal(String name, Path p, String attribute, String kind) {
        try {
            Object id = Files.getAttribute(p, attribute);
            return name.equals(String.valueOf(id)) ? kind + " " + id : name + " (" + kind + " " + id + ")";
        } catch (IOException | RuntimeException e) {
            return name;
        }
    }

    private static Optional<PosixFileAttributes> posix(Path p) {
        try {
            return Optional.of(Files.readAttributes(p, PosixFileAttributes.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission perm : perms) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return Integer.toOctalString(mode);
    }

    /** "uid 1002, gid 1002, groups 1002 27", from /proc/self/status; "an unknown user" where that is not readable. */
    static String identity() {
        try {
            String uid = null;
            String gid = null;
            String groups = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = line.substring(4).trim().split("\\s+")[1]; // the effective uid
                } else if (line.startsWith("Gid:")) {
                    gid = line.substring(4).trim().split("\\s+")[1];
                } else if (line.startsWith("Groups:")) {
                    groups = line.substring(7).trim();
                }
            }
            if (uid == null || gid == null) {
                return "an unknown user";
            }
            return "uid " + uid + ", gid " + gid + (groups == null ? "" : ", groups " + (groups.isEmpty() ? "(none)" : groups));
        } catch (IOException | RuntimeException e) {
            return "an unknown user";
        }
    }

    /** "; 0 bytes of 1.0 MiB free on /mnt/x (tmpfs)". */
    private static String space(String file) {
        Optional<FileStore> store = storeOf(file);
        if (store.isEmpty()) {
            return "";
        }
        try {
            return "; " + size(store.get().getUsableSpace()) + " of " + size(store.get().getTotalSpace()) + " free on "
                    + store.get();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** " (mounted read-only: /mnt/x (tmpfs))". */
    private static String store(String file) {
        return storeOf(file).map(s -> " (" + s + (s.isReadOnly() ? ", mounted read-only" : "") + ")").orElse("");
    }

    private static Optional<FileStore> storeOf(String file) {
        if (file == null) {
            return Optional.empty();
        }
        for (Path p = Path.of(file).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Optional.of(Files.getFileStore(p));
                } catch (IOException | RuntimeException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** " (/a/b is a file)": the first part of the path that exists and is not a directory. */
    private static String fileOnTheWay(String file) {
        if (file == null) {
            return "";
        }
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path walked = p.getRoot();
        for (Path part : p) {
            walked = walked == null ? part : walked.resolve(part);
            if (walked.equals(p)) {
                break;
            }
            if (Files.exists(walked) && !Files.isDirectory(walked)) {
                return " (" + walked + " is a file)";
            }
        }
        return "";
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
