package dev.efspipe.processor.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the archives the tests read, in code: nothing opaque is checked in. */
public final class TestArchives {
    private TestArchives() {}

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A zip (commons-compress, deflated, names written as given) with the entries in order. */
    public static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buf)) {
            for (var e : entries.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeArchiveEntry();
            }
        }
        return buf.toByteArray();
    }

    /** {@code count} bytes of zeros written to {@code out} in chunks: a bomb's payload without a big array. */
    public static void zeros(OutputStream out, long count) throws IOException {
        byte[] chunk = new byte[1 << 16];
        for (long left = count; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
    }

    public static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(buf)) {
            gz.write(content);
        }
        return buf.toByteArray();
    }

    public static byte[] bzip2(byte[] content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream bz = new BZip2CompressorOutputStream(buf)) {
            bz.write(content);
        }
        return buf.toByteArray();
    }

    public static byte[] xz(byte[] content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream xz = new XZCompressorOutputStream(buf, 1)) {
            xz.write(content);
        }
        return buf.toByteArray();
    }

    public static Tar tar() {
        return new Tar();
    }

    /** A tar written by commons-compress in POSIX (PAX) form, so any name and size can be written. */
    public static final class Tar {
        private final List<Map.Entry<TarArchiveEntry, byte[]>> entries = new ArrayList<>();
        private int longFileMode = TarArchiveOutputStream.LONGFILE_POSIX;

        public Tar gnuLongNames() {
            longFileMode = TarArchiveOutputStream.LONGFILE_GNU;
            return this;
        }

        public Tar file(String name, String content) {
            return file(name, utf8(content));
        }

        public Tar file(String name, byte[] content) {
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setSize(content.length);
            return entry(e, content);
        }

        public Tar dir(String name) {
            return entry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true), new byte[0]);
        }

        public Tar symlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
            e.setLinkName(target);
            return entry(e, new byte[0]);
        }

        public Tar hardLink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            e.setLinkName(target);
            return entry(e, new byte[0]);
        }

        public Tar special(String name, byte type) {
            return entry(new TarArchiveEntry(name, type, true), new byte[0]);
        }

        public Tar entry(TarArchiveEntry entry, byte[] content) {
            entries.add(Map.entry(entry, content));
            return this;
        }

        public byte[] bytes() {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
                tar.setLongFileMode(longFileMode);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (var e : entries) {
                    tar.putArchiveEntry(e.getKey());
                    tar.write(e.getValue());
                    tar.closeArchiveEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return buf.toByteArray();
        }
    }

    /** Entries in insertion order, for {@link #zip}. */
    public static Map<String, byte[]> entries(String... namesAndContents) {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndContents.length; i += 2) {
            map.put(namesAndContents[i], utf8(namesAndContents[i + 1]));
        }
        return map;
    }
}
