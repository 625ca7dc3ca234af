package dev.efspipe.local.cli;

import dev.efspipe.config.EfsConfig;
import dev.efspipe.config.Settings;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.layout.PluginName;
import dev.efspipe.layout.Version;
import dev.efspipe.plugin.PluginMetadata;
import dev.efspipe.plugin.PluginStore;
import dev.efspipe.processor.transform.PluginLoader;
import dev.efspipe.processor.transform.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./pipeline plugin publish|list|unpublish}: record-transform plugins on the EFS directory. The same
 * commands run on any host that mounts the file system with write access to {@code plugins/} (an EC2
 * instance or a container in AWS; see docs/plugins.md).
 */
@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = "Publish, list and unpublish record-transform plugins (jars) under plugins/ on EFS.",
        subcommands = {PluginCommand.Publish.class, PluginCommand.ListPlugins.class, PluginCommand.Unpublish.class})
final class PluginCommand {

    static PluginStore store(Path efs) {
        // The same modes and lock timeout as the functions (PIPELINE_DIR_MODE, …), with the root from --efs.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(EfsConfig.EFS_ROOT, efs.toAbsolutePath().toString());
        EfsConfig config = EfsConfig.from(Settings.environment(env));
        return new PluginStore(new EfsLayout(config.root()), new DurableFiles(config.permissions()), config.lockTimeout(),
                Clock.systemUTC());
    }

    static String publisher() {
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        return System.getProperty("user.name") + (host.isEmpty() ? "" : "@" + host) + " (cli/" + ProcessHandle.current().pid() + ")";
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Publish JAR as a new version of plugin NAME and make it current (atomically, like a dataset). "
                    + "The jar must provide a RecordTransform named NAME through META-INF/services. A plugin is trusted code: "
                    + "it runs inside the processor with the processor's permissions.")
    static final class Publish implements Callable<Integer> {
        @Parameters(index = "0", description = "The plugin's name, as jobs choose it: the name its RecordTransform returns.")
        String name;

        @Parameters(index = "1", description = "The plugin jar (its own dependencies inside; the spi is provided).")
        Path jar;

        @Option(names = "--efs", defaultValue = ".pipeline/efs", description = "The EFS directory (default ${DEFAULT-VALUE}).")
        Path efs;

        @Override
        public Integer call() throws Exception {
            PluginName plugin = PluginName.of(name);
            if (Transforms.BUILT_IN.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is a built-in transform; choose another name for the plugin");
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no such file: " + jar);
            }
            List<String> provided = PluginLoader.transformNames(jar);
            if (!provided.contains(name)) {
                throw new IllegalArgumentException(jar + " provides transforms named " + provided + ", not '" + name
                        + "' (the name its RecordTransform.name() returns is the name it is published and chosen by)");
            }
            PluginStore.Published p = store(efs).publish(plugin, jar, jar.getFileName().toString(), provided, publisher());
            PluginMetadata m = p.metadata();
            System.out.println((p.created() ? "Published " : "Already current: ") + m.name() + " " + m.version()
                    + " (" + m.bytes() + " bytes, SHA-256 " + m.sha256() + ")");
            System.out.println("plugins/" + m.name() + "/CURRENT -> " + m.version() + "; jobs starting from now use it");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List published plugins and their versions.")
    static final class ListPlugins implements Callable<Integer> {
        /** One row of the table: a version is 33 characters, an instant up to 30. */
        private static final String ROW = "%-24s %-33s %-8s %-12s %-30s %s%n";

        @Option(names = "--efs", defaultValue = ".pipeline/efs", description = "The EFS directory (default ${DEFAULT-VALUE}).")
        Path efs;

        @Override
        public Integer call() throws Exception {
            PluginStore store = store(efs);
            List<PluginName> names = store.names();
            if (names.isEmpty()) {
                System.out.println("No plugins in " + efs.toAbsolutePath().resolve("plugins"));
                return 0;
            }
            System.out.printf(ROW, "PLUGIN", "VERSION", "CURRENT", "SHA-256", "PUBLISHED", "SOURCE");
            for (PluginName n : names) {
                Optional<Version> current = store.current(n);
                for (Version v : store.versions(n)) {
                    PluginMetadata m = store.metadata(n, v);
                    System.out.printf(ROW, n, v, current.equals(Optional.of(v)) ? "*" : "",
                            m.sha256().substring(0, 12), m.publishedAt(), m.source());
                }
            }
            return 0;
        }
    }

    @Command(name = "unpublish", mixinStandardHelpOptions = true,
            description = "Remove a plugin (or one --version of it; CURRENT moves to the newest remaining version). "
                    + "Jobs already running finish with the version they loaded.")
    static final class Unpublish implements Callable<Integer> {
        @Parameters(index = "0", description = "The plugin.")
        String name;

        @Option(names = "--version", description = "Only this version.")
        String version;

        @Option(names = "--efs", defaultValue = ".pipeline/efs", description = "The EFS directory (default ${DEFAULT-VALUE}).")
        Path efs;

        @Override
        public Integer call() throws Exception {
            PluginName plugin = PluginName.of(name);
            Optional<Version> v = Optional.ofNullable(version).map(Version::new);
            PluginStore store = store(efs);
            if (!store.unpublish(plugin, v)) {
                System.err.println("Nothing published as plugin " + plugin + v.map(x -> "/" + x).orElse("") + " in " + efs.toAbsolutePath());
                return 1;
            }
            System.out.println("Unpublished plugin " + plugin + v.map(x -> " " + x).orElse(" (all versions)")
                    + store.current(plugin).map(c -> "; CURRENT -> " + c).orElse(""));
            return 0;
        }
    }
}
