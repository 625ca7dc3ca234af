package dev.efspipe.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tries one file operation as whatever user it runs as and prints {@link IoErrors#describe} of the failure (or
 * {@code OK}). Arguments: {@code read|write|list} and a path. Needs nothing but the JDK and {@link IoErrors}, so
 * that a test can run it as another user from a directory that user can read.
 */
public final class IoErrorChild {
    public static void main(String[] args) {
        Path path = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "read" -> Files.readAllBytes(path);
                case "write" -> {
                    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
                        ch.size();
                    }
                }
                case "list" -> {
                    try (var entries = Files.list(path)) {
                        System.out.println("entries: " + entries.count());
                    }
                }
                default -> throw new IllegalArgumentException("unknown operation " + args[0]);
            }
            System.out.println("OK");
        } catch (IOException e) {
            System.out.println(IoErrors.describe(e));
        }
    }
}
