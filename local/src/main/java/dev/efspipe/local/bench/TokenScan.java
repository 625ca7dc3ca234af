package dev.efspipe.local.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline of {@code bench e2e}: a JVM that reads one JSON document with Jackson's streaming parser,
 * {@code nextToken()} and nothing else, and exits. Run as its own process, so its JVM start counts as ours does.
 */
public final class TokenScan {
    private TokenScan() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: TokenScan FILE.json");
            System.exit(2);
        }
        long tokens = 0;
        try (InputStream in = Files.newInputStream(Path.of(args[0]));
             JsonParser p = new JsonFactory().createParser(in)) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        System.out.println(tokens + " tokens");
    }
}
