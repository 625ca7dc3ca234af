package dev.efspipe.local.bench;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./pipeline bench json --file F} runs on every shape the processor splits, and every way of reading it
 * finds the same records (the benchmark stops if a baseline finds others).
 */
class JsonBenchCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "array          | [{\"id\":1,\"a\":[1,2]},{\"id\":2},{\"id\":3}]                                   |          | 3 | array",
            "NDJSON         | {\"id\":1}\\n{\"id\":2,\"n\":{\"x\":1}}\\n{\"id\":3}\\n                             |          | 3 | NDJSON",
            "meta+records   | {\"meta\":{\"source\":\"x\"},\"records\":[{\"id\":1},{\"id\":2},{\"id\":3},{\"id\":4}]} | /records | 4 | at /records",
            "meta, detected | {\"meta\":{\"source\":\"x\"},\"records\":[{\"id\":1},{\"id\":2}]}                   |          | 2 | object members",
            "map            | {\"alice\":{\"age\":31},\"bob\":{\"age\":42},\"carol\":null}                      |          | 3 | object members",
    })
    void runsOnEveryShape(String shape, String json, String pointer, long records, String layout) throws Exception {
        Path file = Files.writeString(dir.resolve("doc.json"), json.replace("\\n", "\n"));
        List<String> args = new ArrayList<>(List.of("--file", file.toString(), "--runs", "1", "--dir", dir.resolve("work").toString()));
        if (pointer != null) {
            args.addAll(List.of("--record-pointer", pointer));
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new JsonBenchCommand()).setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true)).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);

        assertThat(exit).as("%s%n%s", printed, err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("Records: " + records + " (" + layout + ")")
                .contains("Jackson token scan (baseline)")
                .contains("Jackson copyCurrentStructure")
                .contains("efspipe splitter (raw copy)");
        if (pointer == null) {
            assertThat(printed).contains("efspipe zip -> records, one pass");
        } else {
            assertThat(printed).contains("Zip part skipped");
        }
    }
}
