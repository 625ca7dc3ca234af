package dev.efspipe.local.efs;

import dev.efspipe.spi.RecordTransform;

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
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

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
        if (javac == null) {
            throw new IllegalStateException("These tests build plugin jars with javac: run them on a JDK, not a JRE");
        }
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

    /** The example plugin's jar, as the build made it (a system property the build sets for the integration tests). */
    static Path example() {
        Path jar = Path.of(System.getProperty("example.plugin.jar", "")).toAbsolutePath();
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("example.plugin.jar is not the example plugin's jar: " + jar + " (run through Maven)");
        }
        return jar;
    }

    /**
     * The example's sources built with another mask character: the "next release" of the plugin, built from the
     * project under {@code examples/} as its own build would.
     */
    static Path exampleWithMask(Path jar, char mask) throws IOException {
        Path example = Path.of(System.getProperty("project.root", "..")).resolve("examples/mask-email-plugin/src/main");
        String source = Files.readString(example.resolve("java/com/example/mask/MaskEmail.java"));
        if (!source.contains("static final char MASK = '*';")) {
            throw new IllegalStateException("The example no longer declares its mask character as the tests expect");
        }
        String services = "META-INF/services/" + RecordTransform.class.getName();
        return build(jar, Map.of("com/example/mask/MaskEmail.java", source.replace("MASK = '*'", "MASK = '" + mask + "'"),
                        "com/example/mask/Json.java", Files.readString(example.resolve("java/com/example/mask/Json.java"))),
                Map.of(services, Files.readString(example.resolve("resources/" + services))));
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
