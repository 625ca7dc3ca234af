package dev.efspipe.local.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.efspipe.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Generates the demo upload: a zip holding {@code orders.json} (a top-level array of order records) and
 * {@code README.txt}. Deterministic for a given seed, so tests can compute what to expect.
 */
public final class DemoArchive {
    public static final String JSON_ENTRY = "orders.json";
    public static final String TEXT_ENTRY = "README.txt";

    private DemoArchive() {}

    /** Writes the zip to {@code target} with {@code records} orders; returns {@code target}. */
    public static Path write(Path target, int records, long seed) throws IOException {
        try (OutputStream file = Files.newOutputStream(target);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry(JSON_ENTRY));
            writeOrders(zip, records, seed);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(TEXT_ENTRY));
            zip.write(("Demo upload: " + records + " orders in " + JSON_ENTRY + ".\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return target;
    }

    /** Writes a JSON array of {@code records} orders to {@code out} (left open). */
    public static void writeOrders(OutputStream out, int records, long seed) throws IOException {
        Random random = new Random(seed);
        String[] products = {"kettle", "lamp", "notebook", "chair", "café crème", "umbrella"};
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartArray();
            for (int i = 0; i < records; i++) {
                g.writeStartObject();
                g.writeNumberField("id", i + 1);
                g.writeStringField("customer", "customer-" + random.nextInt(1000));
                g.writeStringField("product", products[random.nextInt(products.length)]);
                g.writeNumberField("quantity", 1 + random.nextInt(5));
                g.writeNumberField("price", Math.round(random.nextDouble() * 10000) / 100.0);
                g.writeArrayFieldStart("tags");
                if (random.nextBoolean()) {
                    g.writeString("gift");
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }
}
