package dev.efspipe.local.efs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts real child JVMs for the multi-process tests: the packaged CLI, or a main class from the test classpath. */
final class ChildJvm {
    private ChildJvm() {}

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Path cliJar() {
        return Path.of(System.getProperty("project.root", "..")).resolve("local/target/pipeline-local.jar").toAbsolutePath();
    }

    /** {@code java [jvmArgs] -jar pipeline-local.jar args…}, output to {@code log}. */
    static Process cli(Path log, Map<String, String> env, List<String> jvmArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java().toString());
        cmd.add("-Xmx128m");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(cliJar().toString());
        cmd.addAll(List.of(args));
        return start(cmd, log, env);
    }

    /** {@code java -cp <this test classpath> mainClass args…}, output to {@code log}. */
    static Process main(Class<?> mainClass, Path log, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java().toString(), "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        return start(cmd, log, env);
    }

    private static Process start(List<String> cmd, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }
}
