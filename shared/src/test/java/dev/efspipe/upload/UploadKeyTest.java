package dev.efspipe.upload;

import dev.efspipe.layout.DatasetName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys the HTTP API chooses: unique, safe names, and the options ingest reads back. */
class UploadKeyTest {
    @Test
    void keyCarriesDatasetAndPointerAndReadsBack() {
        UploadKey key = UploadKey.create("uploads/", "Sales Report.json", DatasetName.of("sales"), "/data/items");

        assertThat(key.key()).matches("uploads/[0-9a-f-]{36}/dataset=sales/pointer=L2RhdGEvaXRlbXM/Sales-Report\\.json");
        assertThat(UploadKey.parse(key.key())).contains(key);
        assertThat(key.effectiveDataset().value()).isEqualTo("sales");
    }

    @Test
    void withoutOptionsTheDatasetComesFromTheName() {
        UploadKey key = UploadKey.create("in/", "Quarterly Report.tar.gz", null, null);

        assertThat(key.key()).matches("in/[0-9a-f-]{36}/Quarterly-Report\\.tar\\.gz");
        assertThat(UploadKey.parse(key.key()).orElseThrow().effectiveDataset().value()).isEqualTo("quarterly-report");
        assertThat(UploadKey.parse(key.key()).orElseThrow().recordPointer()).isNull();
    }

    @Test
    void twoUploadsOfOneNameGetDifferentKeys() {
        assertThat(UploadKey.create("uploads/", "a.json", null, null).key())
                .isNotEqualTo(UploadKey.create("uploads/", "a.json", null, null).key());
    }

    @Test
    void namesThatTryToBePathsKeepOnlyTheirLastSegmentMadeSafe() {
        assertThat(UploadKey.sanitise("../../etc/passwd")).isEqualTo("passwd");
        assertThat(UploadKey.sanitise("..\\..\\boot.ini")).isEqualTo("boot.ini");
        assertThat(UploadKey.sanitise("..")).isEqualTo("upload");
        assertThat(UploadKey.sanitise(".hidden.json")).isEqualTo("hidden.json");
        assertThat(UploadKey.sanitise("Café\u0000 ☃.json")).isEqualTo("Cafe-.json");
        assertThat(UploadKey.sanitise("x".repeat(300) + ".ndjson")).hasSize(100).endsWith(".ndjson");
    }

    @Test
    void otherKeysAreNotReadAsOurs() {
        assertThat(UploadKey.parse("uploads/orders.zip")).isEmpty();
        assertThat(UploadKey.parse("uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/dataset=../x.json")).isEmpty();
        assertThat(UploadKey.parse("uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/dataset=Bad Name/x.json")).isEmpty();
        assertThat(UploadKey.parse("uploads/0a8e8e0e-1c1f-4c50-9c1e-0e8e8e0e8e0e/pointer=!!/x.json")).isEmpty();
    }
}
