package dev.efspipe.local.deploy;

import dev.efspipe.config.ClientConfig;
import dev.efspipe.api.config.ApiConfig;
import dev.efspipe.config.Settings;
import dev.efspipe.ingest.IngestConfig;
import dev.efspipe.processor.config.ProcessorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code template.yaml} and the README against the code the functions run. "Read by the code" is what the
 * functions' configuration reads through {@link Settings}, the one reader: {@link Settings#namesRead()} after
 * building each function's configuration record ({@link IngestConfig#from}, {@link ProcessorConfig#from}, {@link ApiConfig#from}).
 * The README's configuration table lists exactly those; every variable the template sets is one of them (a
 * renamed or removed setting would otherwise be silently ignored in AWS); and every {@code PIPELINE_*} string
 * literal in the main sources of the modules that go into the Lambda zips is one of them (so no code reads a
 * variable past the configuration records).
 */
class TemplateMatchesTheCodeTest {

    /** The modules whose code runs in Lambda; {@code local} only sets variables for them. */
    private static final List<String> LAMBDA_MODULES = List.of("shared", "ingest", "processor", "api");
    /** A whole string literal that is a pipeline variable's name, e.g. {@code "PIPELINE_S3_ENDPOINT"}. */
    private static final Pattern VARIABLE_LITERAL = Pattern.compile("\"(PIPELINE_[A-Z0-9_]+)\"");

    /** Each function's configuration, as its {@code fromEnvironment} factory reads it. */
    private static final List<Function<Settings, ?>> FUNCTION_CONFIGS = List.of(IngestConfig::from, ProcessorConfig::from,
            ApiConfig::from);

    private static Template template;
    private static Map<String, Path> literalsInTheCode;
    private static Set<String> readByTheCode;

    @BeforeAll
    static void readTemplateAndCode() throws IOException {
        template = Template.ofProject();
        // The required variables set, so that every reader reads to its end.
        Settings settings = Settings.environment(Map.of(ClientConfig.PROCESS_QUEUE_URL, "http://127.0.0.1:1/q",
                IngestConfig.DEAD_LETTER_QUEUE_URL, "http://127.0.0.1:1/dlq", ApiConfig.BUCKET, "uploads"));
        FUNCTION_CONFIGS.forEach(config -> assertThat(config.apply(settings)).isNotNull());
        readByTheCode = new TreeSet<>(settings.namesRead());
        literalsInTheCode = new TreeMap<>();
        for (String module : LAMBDA_MODULES) {
            Path sources = Template.projectRoot().resolve(module).resolve("src/main/java");
            assertThat(sources).as("main sources of %s", module).isDirectory();
            try (Stream<Path> walk = Files.walk(sources)) {
                for (Path java : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    variableLiterals(Files.readString(java)).forEach(name -> literalsInTheCode.putIfAbsent(name, java));
                }
            }
        }
        assertThat(literalsInTheCode).as("PIPELINE_* literals in %s", LAMBDA_MODULES).isNotEmpty();
    }

    @Test
    void everyPipelineLiteralInTheFunctionsCodeIsReadThroughTheConfiguration() {
        List<String> bypassing = literalsInTheCode.entrySet().stream()
                .filter(variable -> !readByTheCode.contains(variable.getKey()))
                .map(variable -> variable.getKey() + " (" + Template.projectRoot().relativize(variable.getValue()) + ")")
                .toList();
        assertThat(bypassing).as("PIPELINE_* names in %s that the configuration records do not read (they read %s)",
                LAMBDA_MODULES, readByTheCode).isEmpty();
    }

    @Test
    void literalParserFindsWholeQuotedVariableNamesOnly() {
        Set<String> names = variableLiterals("""
                static final String S3 = "PIPELINE_S3_ENDPOINT";
                String message = "set PIPELINE_NOT_A_LITERAL to fix it";
                env.get("PIPELINE_EFS_ROOT"); env.get("pipeline_lower"); "PIPELINE_"
                """);

        assertThat(names).containsExactly("PIPELINE_EFS_ROOT", "PIPELINE_S3_ENDPOINT");
    }

    @Test
    void everyPipelineVariableTheTemplateSetsIsReadByTheCode() {
        Map<String, String> set = new TreeMap<>();
        Template.variablesOf(template.globalFunctionProperties()).keySet().forEach(name -> set.put(name, "Globals"));
        template.resourcesWhere(type -> type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function"))
                .forEach((id, function) -> Template.variablesOf(Template.properties(function)).keySet()
                        .forEach(name -> set.merge(name, id, (a, b) -> a + ", " + b)));
        assertThat(set).as("environment variables in %s", Template.FILE).isNotEmpty();

        List<String> unread = set.entrySet().stream()
                .filter(variable -> variable.getKey().startsWith("PIPELINE_"))
                .filter(variable -> !readByTheCode.contains(variable.getKey()))
                .map(variable -> variable.getKey() + " (" + variable.getValue() + ")")
                .toList();
        assertThat(unread).as("PIPELINE_* variables %s sets that no code in %s reads (it reads %s)",
                Template.FILE, LAMBDA_MODULES, readByTheCode).isEmpty();
    }

    @Test
    void theReadmesConfigurationTableListsExactlyTheVariablesTheCodeReads() throws IOException {
        Path readme = Template.projectRoot().resolve("README.md");
        Set<String> documented = TemplateMatchesTheProjectTest.configurationVariables(Files.readString(readme));
        assertThat(documented).as("variables in the configuration table of %s", readme).isNotEmpty();

        assertThat(documented).as("the configuration table of %s against the variables the configuration records read",
                readme).containsExactlyInAnyOrderElementsOf(readByTheCode);
    }

    private static Set<String> variableLiterals(String source) {
        Set<String> names = new TreeSet<>();
        Matcher literal = VARIABLE_LITERAL.matcher(source);
        while (literal.find()) {
            names.add(literal.group(1));
        }
        return names;
    }
}
