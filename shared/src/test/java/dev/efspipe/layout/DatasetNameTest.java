package dev.efspipe.layout;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DatasetNameTest {

    @Nested
    class FromObjectKey {

        @Test
        void shouldMapTheDocumentedExample() {
            assertThat(DatasetName.fromObjectKey("uploads/2024/Sales Report.json").value()).isEqualTo("sales-report");
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
                "archive.tar.gz,          archive",
                "logs/app.jsonl.bz2,      app",
                "DATA.NDJSON,             data",
                "export.zip,              export",
                "dump.json.xz,            dump",
                "bundle.tgz,              bundle",
                "notes.txt,               notes",
                "table.csv.gz,            table",
                "maps/parks.geojson,       parks",
        })
        void shouldDropKnownExtensions_evenWhenStackedOrUppercase(String key, String expected) {
            assertThat(DatasetName.fromObjectKey(key).value()).isEqualTo(expected);
        }

        @Test
        void shouldKeepDotsThatAreNotKnownExtensions() {
            assertThat(DatasetName.fromObjectKey("export.v2.json").value()).isEqualTo("export.v2");
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
                "uploads/2024/q3/report.json, report",
                "'C:\\Users\\me\\Q3.csv',     q3",
                "a/b\\c/final.zip,            final",
        })
        void shouldUseOnlyTheLastSegmentOfTheKey(String key, String expected) {
            assertThat(DatasetName.fromObjectKey(key).value()).isEqualTo(expected);
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
                "Café Ünïcödé.json, cafe-unicode",
                "Ｒｅｐｏｒｔ２０２４.json, report2024",
                "ﬁnance.json,      finance",
                "Ångström_Data,    angstrom_data",
        })
        void shouldFoldUnicodeToLowercaseAscii(String key, String expected) {
            assertThat(DatasetName.fromObjectKey(key).value()).isEqualTo(expected);
        }

        @Test
        void shouldReplaceEachRunOfOtherCharactersByOneDash() {
            assertThat(DatasetName.fromObjectKey("my  data (final) #2!.json").value()).isEqualTo("my-data-final-2");
        }

        @ParameterizedTest
        @ValueSource(strings = {"..", "../..", "../../etc/..", "....json", "a/.."})
        void shouldNotLetDotDotThrough(String key) {
            DatasetName name = DatasetName.fromObjectKey(key);

            assertThat(name.value()).doesNotContain("..").isNotEqualTo(".");
        }

        @Test
        void shouldCollapseRunsOfDotsInsideAName() {
            assertThat(DatasetName.fromObjectKey("a...b").value()).isEqualTo("a.b");
        }

        @Test
        void shouldNotLetATraversalKeyEscape() {
            assertThat(DatasetName.fromObjectKey("../../etc/passwd").value()).isEqualTo("passwd");
        }

        @Test
        void shouldReplaceControlCharacters() {
            DatasetName name = DatasetName.fromObjectKey("rep\u0000ort\n\u001b[31m.json");

            assertThat(name.value()).isEqualTo("rep-ort-31m");
        }

        @Test
        void shouldCapVeryLongKeysAtOneHundredCharacters() {
            DatasetName name = DatasetName.fromObjectKey("x".repeat(10_000) + ".json");

            assertThat(name.value()).isEqualTo("x".repeat(100));
        }

        @Test
        void shouldNotEndWithADash_whenTheCapCutsAtASeparator() {
            DatasetName name = DatasetName.fromObjectKey("a".repeat(99) + " " + "b".repeat(50));

            assertThat(name.value()).isEqualTo("a".repeat(99));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "/", "uploads/", ".json", ".tar.gz", "---", "😀😀", "\u0000\u0001", "..."})
        void shouldFallBackToDataset_whenNothingUsableIsLeft(String key) {
            assertThat(DatasetName.fromObjectKey(key).value()).isEqualTo("dataset");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "-leading-dash", "_under", ".hidden", "trailing.", "trailing-", "x/../../y", "A\u0301\u0302\u0303",
                "\t\r\n", "日本語のファイル.json", "%2e%2e%2f", "~user", "con", "a\\..\\b"})
        void shouldAlwaysGiveAValidName_forHostileKeys(String key) {
            DatasetName name = DatasetName.fromObjectKey(key);

            // The constructor validates; re-validating the value proves it can be used as a directory name.
            assertThat(DatasetName.of(name.value())).isEqualTo(name);
            assertThat(name.value()).matches("[a-z0-9][a-z0-9._-]{0,99}").doesNotContain("..");
        }
    }

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(strings = {"sales-report", "a", "0", "v1.2_x", "data.v2"})
        void shouldAcceptSafeNames(String value) {
            assertThat(DatasetName.of(value).value()).isEqualTo(value);
        }

        @Test
        void shouldAcceptOneHundredCharacters() {
            assertThat(DatasetName.of("a".repeat(100)).value()).hasSize(100);
        }

        @Test
        void shouldRejectMoreThanOneHundredCharacters() {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of("a".repeat(101)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"..", "a..b", "x..", ".", "./x"})
        void shouldRejectDotDotAndDot(String value) {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of(value))
                    .withMessageContaining("Invalid dataset name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a/b", "/abs", "a\\b", "a/"})
        void shouldRejectPathSeparators(String value) {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of(value));
        }

        @ParameterizedTest
        @ValueSource(strings = {"Sales", "A", "dataSet"})
        void shouldRejectUppercase(String value) {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of(value));
        }

        @ParameterizedTest
        @NullAndEmptySource
        void shouldRejectEmptyOrNull(String value) {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of(value));
        }

        @ParameterizedTest
        @ValueSource(strings = {"-x", "_x", ".x", "a b", "é"})
        void shouldRejectBadFirstCharactersAndNonAscii(String value) {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of(value));
        }

        @Test
        void shouldEscapeControlCharactersInTheErrorMessage() {
            assertThatIllegalArgumentException().isThrownBy(() -> DatasetName.of("bad\u0000\nname"))
                    .withMessageContaining("bad\\u0000\\u000aname")
                    .withMessageNotContaining("\u0000");
        }
    }
}
