package dev.efspipe.local.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code process}'s arguments read without picocli mean what picocli reads in them, or are left to picocli. */
class ProcessArgsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "process data.json --efs /tmp/efs",
            "process --efs /tmp/efs data.json",
            "process --efs=/tmp/efs data.json",
            "process data.zip --efs efs --dataset orders --part-size 1048576",
            "process --part-size=4096 --dataset=orders data.zip --efs=efs",
            "process ./a/b.json --efs ../efs",
            "process doc.json --efs efs --record-pointer /data/items",
            "process --record-pointer=/records doc.json --efs efs"})
    void shouldReadThePlainFormAsPicocliDoes(String line) {
        String[] args = line.split(" ");
        Optional<ProcessCommand> plain = ProcessCommand.plain(args);

        ProcessCommand viaPicocli = new ProcessCommand();
        new CommandLine(viaPicocli).parseArgs(Arrays.copyOfRange(args, 1, args.length));
        assertThat(plain).isPresent();
        assertThat(plain.get().file).isEqualTo(viaPicocli.file);
        assertThat(plain.get().efs).isEqualTo(viaPicocli.efs);
        assertThat(plain.get().dataset).isEqualTo(viaPicocli.dataset);
        assertThat(plain.get().partSize).isEqualTo(viaPicocli.partSize);
        assertThat(plain.get().recordPointer).isEqualTo(viaPicocli.recordPointer);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "process",
            "process --help",
            "process data.json --efs efs -h",
            "process data.json --efs efs --version",
            "process data.json",
            "process --efs efs",
            "process a.json b.json --efs efs",
            "process data.json --efs efs --efs other",
            "process data.json --efs",
            "process data.json --efs --dataset x",
            "process data.json --efs= ",
            "process data.json --efs efs --part-size lots",
            "process data.json --efs efs --unknown x",
            "process data.json --efs efs -- more",
            "catalog --efs efs",
            "up"})
    void shouldLeaveAnythingElseToPicocli(String line) {
        assertThat(ProcessCommand.plain(line.split(" "))).isEmpty();
    }
}
