package dev.efspipe.processor.transform;

import dev.efspipe.spi.RecordTransform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Real plugin jars for tests: Java sources compiled against the spi (and nothing else) with the JDK's compiler,
 * packed with a {@code META-INF/services} file, as a plugin author's build would.
 */
final class TestPlugins {
    private TestPlugins() {}

    /** A transform class {@code plugins.<cls>} named {@code name}, whose apply method has {@code applyBody}. */
    static String transform(String cls, String name, String applyBody, String members) {
        return """
                package plugins;
                import java.nio.charset.StandardCharsets;
                public final class %s implements dev.efspipe.spi.RecordTransform {
                    public String name() { return "%s"; }
                    public byte[] apply(byte[] record) { %s }
                    %s
                }
                """.formatted(cls, name, applyBody, members);
    }

    /** Wraps each record: {@code {"v":"<tag>","r":<record>}}. */
    static String tagging(String cls, String name, String tag) {
        return transform(cls, name, """
                byte[] head = "{\\"v\\":\\"%s\\",\\"r\\":".getBytes(StandardCharsets.UTF_8);
                byte[] out = new byte[head.length + record.length + 1];
                System.arraycopy(head, 0, out, 0, head.length);
                System.arraycopy(record, 0, out, head.length, record.length);
                out[out.length - 1] = '}';
                return out;""".formatted(tag), "");
    }

    /** Compiles {@code sources} (class name to source) and packs them into {@code jar}, listing {@code services}. */
    static Path jar(Path jar, Map<String, String> sources, String... services) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "javac");
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString(), "-cp", spiLocation().toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("These tests build plugin jars with javac: run them on a JDK, not a JRE");
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        if (javac.run(null, null, errors, args.toArray(new String[0])) != 0) {
            throw new IllegalStateException("Test plugin does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
            if (services.length > 0) {
                out.putNextEntry(new JarEntry("META-INF/services/" + RecordTransform.class.getName()));
                write(out, String.join("\n", services) + "\n");
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The spi's classes (a directory or a jar): all a plugin compiles against. */
    static Path spiLocation() {
        try {
            return Path.of(RecordTransform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
