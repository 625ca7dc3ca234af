package dev.efspipe.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The modes of what the pipeline creates on EFS, as on the access point: directories 750 and files 640 by
 * default, so members of the access point's group read published outputs and nobody else does.
 * World bits are refused: nothing the pipeline creates is world-readable.
 */
public record Permissions(int dirMode, int fileMode) {
    public static final String DIR_MODE = "PIPELINE_DIR_MODE";
    public static final String FILE_MODE = "PIPELINE_FILE_MODE";
    public static final Permissions DEFAULT = new Permissions(0750, 0640);

    public Permissions {
        if ((dirMode & 07) != 0 || (fileMode & 07) != 0) {
            throw new IllegalArgumentException(String.format(
                    "modes must grant nothing to others (directories %03o, files %03o)", dirMode, fileMode));
        }
        if ((dirMode & 0700) != 0700 || (fileMode & 0600) != 0600) {
            throw new IllegalArgumentException(String.format(
                    "the owner needs rwx on directories and rw on files (directories %03o, files %03o)", dirMode, fileMode));
        }
    }

    /** {@value #DIR_MODE} and {@value #FILE_MODE}, in octal. */
    public static Permissions from(Settings settings) {
        int dirs = settings.mode(DIR_MODE, DEFAULT.dirMode());
        int files = settings.mode(FILE_MODE, DEFAULT.fileMode());
        try {
            return new Permissions(dirs, files);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(DIR_MODE + "/" + FILE_MODE + " (from " + settings.originOf(DIR_MODE) + ", "
                    + settings.originOf(FILE_MODE) + "): " + e.getMessage());
        }
    }

    public Set<PosixFilePermission> forDirectories() {
        return toSet(dirMode);
    }

    public Set<PosixFilePermission> forFiles() {
        return toSet(fileMode);
    }

    private static Set<PosixFilePermission> toSet(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
