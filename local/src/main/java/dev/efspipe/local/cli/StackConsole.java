package dev.efspipe.local.cli;

import dev.efspipe.catalog.CatalogEntry;
import dev.efspipe.fs.IoErrors;
import dev.efspipe.json.Json;
import dev.efspipe.local.stack.StackInfo;
import dev.efspipe.manifest.Manifest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the console commands show of a local stack (its endpoints, a published version), and finding a running one. */
final class StackConsole {
    private StackConsole() {}

    static void printInfo(StackInfo info, PrintStream out) {
        out.printf("Local stack%n");
        out.printf("  S3 endpoint        %s   (access key %s, secret %s, region %s)%n", info.s3Endpoint(),
                info.accessKeyId(), info.secretAccessKey(), info.region());
        out.printf("  SQS endpoint       %s%n", info.sqsEndpoint());
        out.printf("  bucket             %s%n", info.bucket());
        out.printf("  ingest queue       %s  (dead letters: %s)%n", info.ingestQueueUrl(), info.ingestDeadLetterQueueUrl());
        out.printf("  process queue      %s  (dead letters: %s)%n", info.processQueueUrl(), info.processDeadLetterQueueUrl());
        out.printf("  EFS directory      %s%n", info.efsDir());
        if (info.apiEndpoint() != null) {
            out.printf("  HTTP API           %s   (web page: %s/)%n", info.apiEndpoint(), info.apiEndpoint());
        }
    }

    static void printManifest(CatalogEntry entry, Manifest manifest, PrintStream out) {
        out.printf("  dataset   %s%n  version   %s%n  records   %d%n  job       %s%n  source    %s%n",
                entry.dataset(), entry.version(), entry.records(), entry.jobId(), entry.source());
        for (Manifest.Part p : manifest.parts()) {
            out.printf("  part      %s  %d records  %d bytes  sha256 %s%n", p.name(), p.records(), p.bytes(), p.sha256());
        }
        for (Manifest.FileEntry f : manifest.files()) {
            out.printf("  file      %s  %d bytes  sha256 %s%n", f.name(), f.bytes(), f.sha256());
        }
    }

    /** The stack that {@code ./pipeline up} runs with this data directory, if it is running and answering. */
    static Optional<StackInfo> running(Path dataDir) {
        Path file = dataDir.resolve("stack.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            StackInfo info = Json.MAPPER.readValue(file.toFile(), StackInfo.class);
            if (ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false) && answers(info.sqsEndpoint())
                    && answers(info.s3Endpoint())) {
                return Optional.of(info);
            }
        } catch (IOException e) {
            System.err.println("Ignoring unreadable " + file + ": " + IoErrors.describe(e));
        }
        return Optional.empty();
    }

    private static boolean answers(String endpoint) {
        URI uri = URI.create(endpoint);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
