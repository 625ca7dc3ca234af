package dev.efspipe.local.deploy;

import static dev.efspipe.local.deploy.Template.listOf;
import static dev.efspipe.local.deploy.Template.mapOf;
import static dev.efspipe.local.deploy.Template.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code template.yaml} against the rest of the project: the environment it sets is the one the
 * README's configuration table documents, and each function's handler is a class of the module whose
 * zip it deploys. Catches drift when either side changes alone.
 */
class TemplateMatchesTheProjectTest {

    private static final String INGEST_FUNCTION = "IngestFunction";
    private static final String PROCESSOR_FUNCTION = "ProcessorFunction";
    /** The heading of the README section whose table lists the environment variables. */
    private static final String CONFIGURATION_HEADING = "## Configuration";
    /** A backticked environment variable name, e.g. {@code `PIPELINE_EFS_ROOT`}. */
    private static final Pattern BACKTICKED_VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    /** {@code <module>/target/<artifactId>-lambda.zip}, what the parent pom's lambda-zip assembly builds. */
    private static final Pattern CODE_URI = Pattern.compile("([a-z][a-z0-9-]*)/target/([a-z0-9-]+)-lambda\\.zip");

    private static Template template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = Template.ofProject();
    }

    @Test
    void readmeTableParserReadsOneOrTwoVariablesPerRow() {
        Set<String> variables = configurationVariables("""
                # x

                ## Configuration

                Some text.

                | variable | default | meaning |
                |---|---|---|
                | `PIPELINE_EFS_ROOT` | `/mnt/pipeline` | Root. |
                | `PIPELINE_DIR_MODE` / `PIPELINE_FILE_MODE` | `750` / `640` | Modes. |

                ## Modules

                | `NOT_CONFIGURATION` | x |
                """);

        assertThat(variables).containsExactly("PIPELINE_EFS_ROOT", "PIPELINE_DIR_MODE", "PIPELINE_FILE_MODE");
    }

    @Test
    void everyEnvironmentVariableIsInTheReadmesConfigurationTable() throws IOException {
        Path readme = Template.projectRoot().resolve("README.md");
        Set<String> documented = configurationVariables(Files.readString(readme));
        assertThat(documented).as("variables in the table under '%s' in %s", CONFIGURATION_HEADING, readme).isNotEmpty();

        Map<String, String> used = new TreeMap<>();
        Template.variablesOf(template.globalFunctionProperties()).keySet().forEach(name -> used.put(name, "Globals"));
        template.resourcesWhere(type -> type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function"))
                .forEach((id, function) -> Template.variablesOf(Template.properties(function)).keySet()
                        .forEach(name -> used.put(name, id)));
        assertThat(used).as("environment variables in %s", Template.FILE).isNotEmpty();

        List<String> undocumented = used.entrySet().stream()
                .filter(variable -> !documented.contains(variable.getKey()))
                .map(variable -> variable.getKey() + " (" + variable.getValue() + ")")
                .toList();
        assertThat(undocumented).as("environment variables the README's configuration table %s does not list", documented)
                .isEmpty();
    }

    @Test
    void processorEnvironmentNamesItsEfsMountAndItsQueue() {
        Map<String, Object> environment = template.environmentOf(PROCESSOR_FUNCTION);
        assertThat(environment).as("environment of %s", PROCESSOR_FUNCTION)
                .containsKeys("PIPELINE_EFS_ROOT", "PIPELINE_PROCESS_QUEUE_URL");

        Object mountPath = mapOf(listOf(template.propertiesOf(PROCESSOR_FUNCTION).get("FileSystemConfigs")).get(0))
                .get("LocalMountPath");
        assertThat(environment.get("PIPELINE_EFS_ROOT")).as("PIPELINE_EFS_ROOT: the LocalMountPath").isEqualTo(mountPath);
        assertThat(environment.get("PIPELINE_PROCESS_QUEUE_URL")).as("PIPELINE_PROCESS_QUEUE_URL: where continuations go")
                .isEqualTo(ref(template.queueConsumedBy(PROCESSOR_FUNCTION)));
    }

    @Test
    void ingestEnvironmentNamesTheProcessQueueAndItsOwnDeadLetterQueue() {
        Map<String, Object> environment = template.environmentOf(INGEST_FUNCTION);

        assertThat(environment.get("PIPELINE_PROCESS_QUEUE_URL")).as("PIPELINE_PROCESS_QUEUE_URL of %s", INGEST_FUNCTION)
                .isEqualTo(ref(template.queueConsumedBy(PROCESSOR_FUNCTION)));
        assertThat(environment.get("PIPELINE_INGEST_DEAD_LETTER_QUEUE_URL"))
                .as("PIPELINE_INGEST_DEAD_LETTER_QUEUE_URL of %s: where rejected announcements go", INGEST_FUNCTION)
                .isEqualTo(ref(template.deadLetterQueueOf(template.queueConsumedBy(INGEST_FUNCTION))));
    }

    @Test
    void eachHandlerIsAClassOfTheModuleWhoseZipItsFunctionDeploys() throws IOException {
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        assertThat(functions).isNotEmpty();

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> function : functions.entrySet()) {
            String id = function.getKey();
            Map<String, Object> properties = Template.properties(function.getValue());
            String codeUri = String.valueOf(properties.get("CodeUri"));
            Matcher zip = CODE_URI.matcher(codeUri);
            if (!zip.matches()) {
                problems.add(id + ": CodeUri " + codeUri + " is not <module>/target/<artifactId>-lambda.zip");
                continue;
            }
            Path module = Template.projectRoot().resolve(zip.group(1));
            String artifactId = artifactIdOf(module.resolve("pom.xml"));
            if (!zip.group(2).equals(artifactId)) {
                problems.add(id + ": CodeUri " + codeUri + " names " + zip.group(2) + ", but " + module.resolve("pom.xml")
                        + " builds " + artifactId + "-lambda.zip");
            }

            String[] handler = String.valueOf(properties.get("Handler")).split("::", 2);
            Path source = module.resolve("src/main/java").resolve(handler[0].replace('.', '/') + ".java");
            if (!Files.isRegularFile(source)) {
                problems.add(id + ": Handler class " + handler[0] + " is not in " + module.getFileName() + " (no " + source + ")");
                continue;
            }
            String method = handler.length > 1 ? handler[1] : "handleRequest";
            try {
                Class<?> type = Class.forName(handler[0], false, getClass().getClassLoader());
                if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
                    problems.add(id + ": " + type.getName() + " implements neither RequestHandler nor RequestStreamHandler");
                }
                if (Arrays.stream(type.getMethods()).noneMatch(m -> m.getName().equals(method))) {
                    problems.add(id + ": " + type.getName() + " has no public method " + method);
                }
            } catch (ClassNotFoundException e) {
                problems.add(id + ": Handler class " + handler[0] + " is not on the class path: " + e);
            }
        }
        assertThat(problems).as("handlers and artifacts in %s", Template.FILE).isEmpty();
    }

    /**
     * The variable names in the first column of the table under {@value #CONFIGURATION_HEADING}: every
     * backticked upper-case name, so that a row naming two variables ({@code `A` / `B`}) counts both.
     */
    static Set<String> configurationVariables(String readme) {
        Set<String> variables = new LinkedHashSet<>();
        boolean inSection = false;
        for (String line : readme.split("\\R")) {
            if (line.startsWith("#")) {
                inSection = line.strip().equals(CONFIGURATION_HEADING);
                continue;
            }
            if (!inSection || !line.startsWith("|")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            Matcher name = BACKTICKED_VARIABLE.matcher(cells.length > 1 ? cells[1] : "");
            while (name.find()) {
                variables.add(name.group(1));
            }
        }
        return variables;
    }

    /** The project's own artifactId in a pom.xml (not its parent's). */
    private static String artifactIdOf(Path pom) throws IOException {
        String withoutParent = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher artifactId = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(withoutParent);
        assertThat(artifactId.find()).as("artifactId in %s", pom).isTrue();
        return artifactId.group(1).strip();
    }
}
