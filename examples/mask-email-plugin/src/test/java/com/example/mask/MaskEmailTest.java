package com.example.mask;

import dev.efspipe.spi.RecordTransform;
import dev.efspipe.spi.ReferenceData;
import dev.efspipe.spi.TransformContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskEmailTest {

    private static String apply(Map<String, String> options, String record) {
        MaskEmail mask = new MaskEmail();
        mask.open(context(options));
        return new String(mask.apply(record.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static TransformContext context(Map<String, String> options) {
        return new TransformContext() {
            @Override
            public String transformName() {
                return "mask-email";
            }

            @Override
            public Map<String, String> options() {
                return options;
            }

            @Override
            public ReferenceData referenceData(String dataset) {
                throw new UnsupportedOperationException("mask-email reads no reference data");
            }
        };
    }

    @Test
    void masksTheLocalPartOfTheAddress() {
        assertEquals("{\"id\":1,\"email\":\"a****@example.com\",\"n\":2}",
                apply(Map.of(), "{\"id\":1,\"email\":\"alice@example.com\",\"n\":2}"));
    }

    @Test
    void leavesNestedMembersAndOtherTypesAlone() {
        String record = "{\"contact\":{\"email\":\"bob@example.com\"},\"list\":[\"x\",{\"email\":\"y\"}],\"email\":null}";
        assertEquals(record, apply(Map.of(), record));
    }

    @Test
    void readsEscapesAndKeepsAsManyCharactersAsAsked() {
        assertEquals("{\"e\\u006dail\":1,\"mail\":\"\\\"q\\\"*@x.org\"}",
                apply(Map.of("field", "mail", "keep", "3"), "{\"e\\u006dail\":1,\"mail\":\"\\\"q\\\"z@x.org\"}"));
    }

    @Test
    void aRecordThatIsNotAnObjectPassesUnchanged() {
        MaskEmail mask = new MaskEmail();
        byte[] record = "[1,2]".getBytes(StandardCharsets.UTF_8);
        assertSame(record, mask.apply(record));
    }

    @Test
    void refusesABadOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MaskEmail().open(context(Map.of("keep", "x"))));
        assertTrue(e.getMessage().contains("keep must be a whole number"));
    }

    @Test
    void isFoundByTheServiceLoaderUnderItsName() {
        RecordTransform found = ServiceLoader.load(RecordTransform.class).findFirst().orElseThrow();
        assertEquals("mask-email", found.name());
    }
}
