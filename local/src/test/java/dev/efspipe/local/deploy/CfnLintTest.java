package dev.efspipe.local.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs AWS's CloudFormation linter, cfn-lint, on {@code template.yaml}, where it is installed. It is a
 * Python tool from PyPI with no Debian package ({@code apt-cache policy cfn-lint python3-cfn-lint}
 * finds none); the project's build machines come with it (cfn-lint 1.51.0 in their Python), and
 * {@code .ci/run} cannot install it where PyPI is out of reach. Elsewhere: {@code pip install cfn-lint}. It
 * applies the SAM transform itself (with aws-sam-translator) and checks every resource, SAM's and the
 * plain CloudFormation ones the SAM schema does not cover, against CloudFormation's resource schemas.
 * Without cfn-lint this test is skipped, not failed.
 */
class CfnLintTest {

    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void cfnLintFindsNothingToReport() throws IOException, InterruptedException {
        assumeTrue(cfnLintRuns(), "cfn-lint is not installed (pip install cfn-lint)");
        Path root = Template.projectRoot();

        Result lint = run(root, List.of("cfn-lint", "--format", "parseable", "--", Template.FILE));

        // Exit status 0: no error, warning or informational finding.
        assertThat(lint.output()).as("cfn-lint %s (exit status %d)", Template.FILE, lint.exitStatus()).isEmpty();
        assertThat(lint.exitStatus()).as("cfn-lint exit status").isZero();
    }

    private static boolean cfnLintRuns() throws InterruptedException {
        try {
            return run(Template.projectRoot(), List.of("cfn-lint", "--version")).exitStatus() == 0;
        } catch (IOException notInstalled) {
            return false;
        }
    }

    private record Result(int exitStatus, String output) {
    }

    private static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        // Output to a file, not a pipe: a full pipe would stall the process before it exits.
        Path output = Files.createTempFile("cfn-lint", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
