package dev.efspipe.layout;

import dev.efspipe.layout.JobId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EfsLayoutTest {
    private static final JobId JOB = new JobId("3f2a9c0d11be44556677889900aabbcc");
    private static final JobId SAME_SHARD = new JobId("3f00000000000000000000000000ffff");
    private static final JobId OTHER_SHARD = new JobId("a1000000000000000000000000000000");

    @TempDir
    Path root;

    @Test
    void shouldShardJobRecordsByTheFirstTwoHexDigits() {
        EfsLayout layout = new EfsLayout(root);

        assertThat(layout.jobRecord(JOB)).isEqualTo(root.resolve("jobs/3f/3f2a9c0d11be44556677889900aabbcc.json"));
    }

    @Test
    void shouldPutTheShardLockInTheShardDirectory() {
        EfsLayout layout = new EfsLayout(root);

        assertThat(layout.jobShardLock(JOB)).isEqualTo(root.resolve("jobs/3f/.lock"));
    }

    @Test
    void shouldPutJobsWithTheSamePrefixInOneShard_andOthersElsewhere() {
        EfsLayout layout = new EfsLayout(root);

        assertThat(layout.jobShard(SAME_SHARD)).isEqualTo(layout.jobShard(JOB));
        assertThat(layout.jobShard(OTHER_SHARD)).isEqualTo(root.resolve("jobs/a1")).isNotEqualTo(layout.jobShard(JOB));
    }

    @Test
    void shouldShardFailureRecordsByTheFirstTwoHexDigits() {
        EfsLayout layout = new EfsLayout(root);

        assertThat(layout.failedRecord(JOB)).isEqualTo(root.resolve("failed/3f/3f2a9c0d11be44556677889900aabbcc.json"));
    }

    @Test
    void shouldPlaceVersionsAndCurrentUnderTheDataset() {
        EfsLayout layout = new EfsLayout(root);
        DatasetName ds = DatasetName.of("sales");
        Version v = new Version("20261126T061500.000Z-3f2a9c0d11be");

        assertThat(layout.version(ds, v)).isEqualTo(root.resolve("published/sales/20261126T061500.000Z-3f2a9c0d11be"));
        assertThat(layout.current(ds)).isEqualTo(root.resolve("published/sales/CURRENT"));
    }

    @Test
    void shouldGiveEachAttemptAtAJobItsOwnStagingDirectory() {
        EfsLayout layout = new EfsLayout(root);

        assertThat(layout.staging(JOB, 1)).isEqualTo(root.resolve("staging/3f2a9c0d11be44556677889900aabbcc.1"));
        assertThat(layout.staging(JOB, 2)).isEqualTo(root.resolve("staging/3f2a9c0d11be44556677889900aabbcc.2"));
    }

    @Test
    void shouldRejectAnAttemptNumberBelowOne() {
        EfsLayout layout = new EfsLayout(root);

        assertThatIllegalArgumentException().isThrownBy(() -> layout.staging(JOB, 0)).withMessageContaining("attempt 0");
    }

    @Test
    void shouldKeepTheCatalogJournalUnderTheRoot() {
        assertThat(new EfsLayout(root).catalogJournal()).isEqualTo(root.resolve("catalog/journal.ndjson"));
    }

    @Test
    void shouldNormaliseTheRootToAnAbsolutePath() {
        EfsLayout layout = new EfsLayout(root.resolve("x/../efs"));

        assertThat(layout.root()).isEqualTo(root.resolve("efs")).isAbsolute();
    }
}
