package dev.efspipe.processor.limits;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The counting itself: on bytes actually read, stopping before a read that crosses a limit is handed on. */
class UnpackBudgetTest {
    private static UnpackBudget budget(UnpackLimits limits, long inputBytes) {
        return new UnpackBudget(limits, "upload.zip", () -> inputBytes, "the archive's size");
    }

    @Test
    void letsAnEntryOfExactlyTheLimitThrough() throws IOException {
        UnpackBudget budget = budget(UnpackLimits.builder().maxEntryBytes(1000).build(), 1000);
        UnpackBudget.Meter meter = budget.meter(new ByteArrayInputStream(new byte[1000]), "exact.bin", -1);

        assertThat(meter.readAllBytes()).hasSize(1000);
        assertThat(meter.bytes()).isEqualTo(1000);
    }

    @Test
    void neverHandsOnMoreThanTheLimitOfAnEntry() {
        UnpackBudget budget = budget(UnpackLimits.builder().maxEntryBytes(1000).build(), 1_000_000);
        InputStream meter = budget.meter(new ByteArrayInputStream(new byte[5000]), "big.bin", -1);
        ByteArrayOutputStream disk = new ByteArrayOutputStream();

        assertThatThrownBy(() -> meter.transferTo(disk))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("Entry 'big.bin' of upload.zip inflated past 1000 bytes (limit: max entry bytes = 1000 bytes, from the caller; ")
                .hasMessageEndingWith(" bytes read so far)");
        assertThat(disk.size()).isLessThanOrEqualTo(1000);
    }

    @Test
    void countsSkippedBytesLikeReadOnes() {
        UnpackBudget budget = budget(UnpackLimits.builder().maxEntryBytes(1000).build(), 1_000_000);
        InputStream meter = budget.meter(new ByteArrayInputStream(new byte[5000]), "skipped.bin", -1);

        assertThatThrownBy(() -> meter.skip(5000)).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void addsEveryEntryToTheJobsTotal() throws IOException {
        UnpackBudget budget = budget(UnpackLimits.builder().maxTotalBytes(2500).build(), 1_000_000);
        budget.meter(new ByteArrayInputStream(new byte[1000]), "1.bin", -1).readAllBytes();
        budget.meter(new ByteArrayInputStream(new byte[1000]), "2.bin", -1).readAllBytes();

        assertThatThrownBy(() -> budget.meter(new ByteArrayInputStream(new byte[1000]), "3.bin", -1).readAllBytes())
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("Entries of upload.zip inflated past 2500 bytes in total, at entry '3.bin'")
                .hasMessageContaining("max total bytes = 2500 bytes, from the caller")
                .satisfies(e -> assertThat(((LimitExceededException) e).limit().name()).isEqualTo("max total bytes"));
    }

    @Test
    void checksTheEntryRatioOnlyAboveTheGrace() throws IOException {
        UnpackLimits limits = UnpackLimits.builder().maxEntryRatio(10).ratioGraceBytes(4096).build();
        // 4096 bytes from 1 compressed byte: a ratio of 4096, but not above the grace.
        budget(limits, 1_000_000).meter(new ByteArrayInputStream(new byte[4096]), "small.bin", 1).readAllBytes();

        assertThatThrownBy(() -> budget(limits, 1_000_000).meter(new ByteArrayInputStream(new byte[4097]), "bomb.bin", 1).readAllBytes())
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("Entry 'bomb.bin' of upload.zip inflated 4097 bytes from 1 compressed bytes, a ratio over 10")
                .hasMessageContaining("max entry ratio = 10, from the caller");
    }

    @Test
    void checksTheOverallRatioAgainstTheInput() {
        UnpackLimits limits = UnpackLimits.builder().maxTotalRatio(10).ratioGraceBytes(1).build();

        assertThatThrownBy(() -> budget(limits, 100).meter(new ByteArrayInputStream(new byte[1001]), "any.bin", -1).readAllBytes())
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("upload.zip inflated 1001 bytes from 100 bytes of input (the archive's size), a ratio over 10")
                .hasMessageContaining("max total ratio = 10, from the caller");
    }

    @Test
    void countsEntriesUpToTheLimit() throws IOException {
        UnpackBudget budget = budget(UnpackLimits.builder().maxEntries(2).build(), 100);
        budget.countEntry("1");
        budget.countEntry("2");

        assertThatThrownBy(() -> budget.countEntry("3"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessage("upload.zip has more than 2 entries (limit: max entries = 2, from the caller; stopped at entry '3')");
    }
}
