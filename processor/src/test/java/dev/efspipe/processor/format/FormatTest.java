package dev.efspipe.processor.format;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class FormatTest {

    private static Format detect(byte[] head) {
        return Format.detect(head, head.length);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void detectsZipFromALocalFileHeader() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            zip.putNextEntry(new ZipEntry("a.txt"));
            zip.write(utf8("hello"));
        }
        assertThat(detect(buf.toByteArray())).isEqualTo(Format.ZIP);
    }

    @Test
    void detectsAnEmptyZipFromItsEndOfCentralDirectory() {
        assertThat(detect(bytes('P', 'K', 5, 6, 0, 0, 0, 0))).isEqualTo(Format.ZIP);
    }

    @Test
    void detectsGzip() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(utf8("[1]"));
        }
        assertThat(detect(buf.toByteArray())).isEqualTo(Format.GZIP);
    }

    @Test
    void detectsBzip2() {
        assertThat(detect(bytes('B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59))).isEqualTo(Format.BZIP2);
    }

    @Test
    void detectsXz() {
        assertThat(detect(bytes(0xfd, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x04))).isEqualTo(Format.XZ);
    }

    @Test
    void detectsTarFromTheUstarMagicAtOffset257() {
        byte[] header = new byte[512];
        System.arraycopy(utf8("data.json"), 0, header, 0, 9);
        System.arraycopy(bytes('u', 's', 't', 'a', 'r', 0, '0', '0'), 0, header, 257, 8);
        assertThat(detect(header)).isEqualTo(Format.TAR);
    }

    @Test
    void detectsAPrePosixTarWithoutMagicByItsHeaderChecksum() {
        byte[] header = new byte[512];
        System.arraycopy(utf8("rows.json"), 0, header, 0, 9);
        System.arraycopy(utf8("0000644\0"), 0, header, 100, 8);
        System.arraycopy(utf8("00000000003\0"), 0, header, 124, 12);
        header[156] = '0';
        int sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        System.arraycopy(utf8(String.format("%06o\0 ", sum)), 0, header, 148, 8);
        assertThat(detect(header)).isEqualTo(Format.TAR);

        header[0] ^= 1; // the checksum no longer matches
        assertThat(detect(header)).isEqualTo(Format.OTHER);
    }

    @Test
    void doesNotTakeUstarElsewhereForTar() {
        byte[] header = new byte[512];
        System.arraycopy(utf8("ustar"), 0, header, 256, 5);
        assertThat(detect(header)).isEqualTo(Format.OTHER);
    }

    @Test
    void detectsJsonArrayAfterLeadingWhitespace() {
        assertThat(detect(utf8(" \t\r\n  [ {\"a\": 1} ]"))).isEqualTo(Format.JSON);
    }

    @Test
    void detectsJsonObjectAfterAUtf8ByteOrderMark() {
        byte[] json = utf8("{\"a\": 1}");
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(json, 0, withBom, 3, json.length);
        assertThat(detect(withBom)).isEqualTo(Format.JSON);
    }

    @Test
    void takesPlainTextForOther() {
        assertThat(detect(utf8("name,amount\nalice,3\n"))).isEqualTo(Format.OTHER);
    }

    @Test
    void takesAJsonScalarForOther() {
        assertThat(detect(utf8("\"just a string\""))).isEqualTo(Format.OTHER);
    }

    @Test
    void takesEmptyInputForOther() {
        assertThat(detect(new byte[0])).isEqualTo(Format.OTHER);
    }

    @Test
    void looksOnlyAtTheGivenLength() {
        byte[] head = utf8("[1]");
        assertThat(Format.detect(head, 0)).isEqualTo(Format.OTHER);
    }

    @Test
    void detectingFromAStreamLeavesItUnread() throws IOException {
        byte[] content = utf8("  [1, 2, 3]");
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(content));

        assertThat(Format.detect(in)).isEqualTo(Format.JSON);
        assertThat(in.readAllBytes()).isEqualTo(content);
    }
}
