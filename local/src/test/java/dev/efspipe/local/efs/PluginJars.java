package dev.efspipe.local.efs;

import dev.efspipe.spi.RecordTransform;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/** Plugin jars built the way a plugin author's build makes them: sources compiled against the spi alone, packed with their services file. */
final class PluginJars {
    private PluginJars() {}

    /** Compiles {@code sources} (relative path to content) and packs them, with {@code resources}, into {@code jar}. */
    static Path build(Path jar, Map<String, String> sources, Map<String, String> resources) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "javac");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString(), "-cp", spi().toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = work.resolve("src").resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        if (!sources.isEmpty() && javac.run(null, null, errors, args.toArray(new String[0])) != 0) {
            throw new IllegalStateException("The plugin does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
            for (Map.Entry<String, String> r : resources.entrySet()) {
                out.putNextEntry(new JarEntry(r.getKey()));
                out.write(r.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** One transform class {@code plugins.<cls>} named {@code name}, listed as a service. */
    static Path transform(Path jar, String cls, String name, String applyBody) throws IOException {
        String source = """
                package plugins;
                import java.nio.charset.StandardCharsets;
                public final class %s implements dev.efspipe.spi.RecordTransform {
                    public String name() { return "%s"; }
                    public byte[] apply(byte[] record) { %s }
                }
                """.formatted(cls, name, applyBody);
        return build(jar, Map.of("plugins/" + cls + ".java", source),
                Map.of("META-INF/services/" + RecordTransform.class.getName(), "plugins." + cls + "\n"));
    }

    /** The spi's classes (a jar in the reactor's verify, or its classes directory). */
    static Path spi() {
        try {
            return Path.of(RecordTransform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
