package dev.efspipe.job;

import dev.efspipe.layout.JobId;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JobIdTest {
    private static final UploadSource BASE = UploadSource.s3("uploads", "2024/sales.json", null, "0cc175b9c0f1b6a8", 1024);
    private static final UploadSource VERSIONED = UploadSource.s3("uploads", "2024/sales.json", "v-111", "0cc175b9c0f1b6a8", 1024);

    @Test
    void shouldBeDeterministic_forEqualSources() {
        UploadSource same = UploadSource.s3("uploads", "2024/sales.json", null, "0cc175b9c0f1b6a8", 1024);

        assertThat(same.jobId()).isEqualTo(BASE.jobId());
    }

    @Test
    void shouldBeThirtyTwoLowercaseHexDigits() {
        assertThat(BASE.jobId().value()).matches("[0-9a-f]{32}");
    }

    static Stream<Arguments> changedUnversioned() {
        return Stream.of(
                Arguments.of(Named.of("bucket", UploadSource.s3("other-bucket", "2024/sales.json", null, "0cc175b9c0f1b6a8", 1024))),
                Arguments.of(Named.of("key", UploadSource.s3("uploads", "2024/sales2.json", null, "0cc175b9c0f1b6a8", 1024))),
                Arguments.of(Named.of("eTag", UploadSource.s3("uploads", "2024/sales.json", null, "92eb5ffee6ae2fec", 1024))),
                Arguments.of(Named.of("size", UploadSource.s3("uploads", "2024/sales.json", null, "0cc175b9c0f1b6a8", 1025))),
                Arguments.of(Named.of("scheme", new UploadSource(UploadSource.Scheme.EFS, "uploads", "2024/sales.json", null, "0cc175b9c0f1b6a8", 1024))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changedUnversioned")
    void shouldDiffer_whenAnIdentifyingFieldDiffers(UploadSource changed) {
        assertThat(changed.jobId()).isNotEqualTo(BASE.jobId());
    }

    @Test
    void shouldDiffer_whenTheVersionIdDiffers() {
        UploadSource otherVersion = UploadSource.s3("uploads", "2024/sales.json", "v-222", "0cc175b9c0f1b6a8", 1024);

        assertThat(otherVersion.jobId()).isNotEqualTo(VERSIONED.jobId());
    }

    @Test
    void shouldDiffer_betweenAVersionedAndAnUnversionedAnnouncement() {
        assertThat(VERSIONED.jobId()).isNotEqualTo(BASE.jobId());
    }

    @Test
    void shouldIgnoreQuotesAroundTheETag() {
        UploadSource quoted = UploadSource.s3("uploads", "2024/sales.json", null, "\"0cc175b9c0f1b6a8\"", 1024);

        assertThat(quoted.jobId()).isEqualTo(BASE.jobId());
    }

    @Test
    void shouldTreatTheLiteralVersionIdNullAsUnversioned() {
        // S3 reports versionId "null" for objects written while versioning was off.
        UploadSource literalNull = UploadSource.s3("uploads", "2024/sales.json", "null", "0cc175b9c0f1b6a8", 1024);

        assertThat(literalNull.jobId()).isEqualTo(BASE.jobId());
    }

    @Test
    void shouldNotCollide_whenTextMovesAcrossAFieldBoundary() {
        UploadSource a = UploadSource.s3("ab", "c", null, "e", 1);
        UploadSource b = UploadSource.s3("a", "bc", null, "e", 1);

        assertThat(a.jobId()).isNotEqualTo(b.jobId());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"3F2A9C0D11BE44556677889900AABBCC", "3f2a9c0d11be4455667788990", "../3f2a9c0d11be44556677889900aabb",
            "3f2a9c0d11be44556677889900aabbccdd", "zz2a9c0d11be44556677889900aabbcc"})
    void shouldRejectValuesThatAreNotThirtyTwoLowercaseHexDigits(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> new JobId(value))
                .withMessageContaining("32 lowercase hex digits");
    }

    @Test
    void shouldShardByTheFirstTwoDigits() {
        assertThat(new JobId("3f2a9c0d11be44556677889900aabbcc").shard()).isEqualTo("3f");
    }
}
