package dev.efspipe.processor.archive;

import dev.efspipe.job.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "a/..", "./../x", "././..", "a/./b", "a/.", ".."})
    void refusesDotAndDotDotSegments(String name) {
        assertThatThrownBy(() -> EntryNames.safeRelative(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("segment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/", "C:/x", "c:x", "Z:"})
    void refusesAbsolutePathsAndDriveLetters(String name) {
        assertThatThrownBy(() -> EntryNames.safeRelative(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("absolute");
    }

    @ParameterizedTest
    @ValueSource(strings = {"C:\\x", "a\\b", "..\\..\\x"})
    void refusesBackslashes(String name) {
        assertThatThrownBy(() -> EntryNames.safeRelative(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backslash");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000.txt", "a\nb", "tab\there", "bell\u0007", "del\u007f"})
    void refusesControlCharactersAndShowsThemEscaped(String name) {
        assertThatThrownBy(() -> EntryNames.safeRelative(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("control character")
                .hasMessageContaining("\\u00")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000", "\n", "\t", "\u0007"));
    }

    @Test
    void refusesAnEmptyName() {
        assertThatThrownBy(() -> EntryNames.safeRelative(""))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "dir//", "//x"})
    void refusesEmptySegments(String name) {
        assertThatThrownBy(() -> EntryNames.safeRelative(name)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void refusesAnOverlongName() {
        String name = "a/".repeat(600) + "x";

        assertThatThrownBy(() -> EntryNames.safeRelative(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"./dir/file.json", "././dir/file.json"})
    void dropsALeadingDotSlashAsTarWritesIt(String name) throws InvalidInputException {
        assertThat(EntryNames.safeRelative(name)).isEqualTo("dir/file.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {".//etc/passwd", "././/x"})
    void aLeadingDotSlashCannotHideAnAbsolutePathOrAnEmptySegment(String name) {
        assertThatThrownBy(() -> EntryNames.safeRelative(name)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "./", "././", "./."})
    void knowsTheArchivesRootButRefusesItAsTheNameOfAFile(String name) {
        assertThat(EntryNames.isRoot(name)).isTrue();
        assertThatThrownBy(() -> EntryNames.safeRelative(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("root directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"./a", "..", ".hidden/", "./../", ""})
    void takesNoOtherNameForTheRoot(String name) {
        assertThat(EntryNames.isRoot(name)).isFalse();
    }

    @Test
    void acceptsANestedRelativePath() throws InvalidInputException {
        assertThat(EntryNames.safeRelative("dir/file.json")).isEqualTo("dir/file.json");
    }

    @Test
    void acceptsADirectoryNameWithoutItsTrailingSlash() throws InvalidInputException {
        assertThat(EntryNames.safeRelative("dir/")).isEqualTo("dir");
    }

    @Test
    void acceptsDotsInsideASegment() throws InvalidInputException {
        assertThat(EntryNames.safeRelative("v1..2/..hidden/file.tar.gz")).isEqualTo("v1..2/..hidden/file.tar.gz");
    }

    @Test
    void normalisesToNfc() throws InvalidInputException {
        assertThat(EntryNames.safeRelative("caf" + "e\u0301" + ".txt")).isEqualTo("caf\u00e9.txt");
    }

    @Test
    void givesTheSameCollisionKeyToNamesThatDifferOnlyInCase() {
        assertThat(EntryNames.collisionKey("Data/README.txt")).isEqualTo(EntryNames.collisionKey("data/readme.TXT"));
    }

    @Test
    void givesDifferentCollisionKeysToDifferentNames() {
        assertThat(EntryNames.collisionKey("a.txt")).isNotEqualTo(EntryNames.collisionKey("b.txt"));
    }
}
