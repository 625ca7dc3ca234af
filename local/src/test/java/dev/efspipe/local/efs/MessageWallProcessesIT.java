package dev.efspipe.local.efs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MessageWall with real processes: four api servers in four JVMs (four Lambda execution
 * environments) over one EFS directory, each posted to 25 times at once. Long lines make a torn or
 * interleaved append likely if the lock did not hold.
 */
class MessageWallProcessesIT {
    private static final int WRITERS = 4;
    private static final int EACH = 25;
    private static final String PAD = "x".repeat(4000);

    @TempDir
    Path dir;
    private final List<Process> servers = new ArrayList<>();
    private final List<URI> walls = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startServers() throws Exception {
        Path efs = Files.createDirectories(dir.resolve("efs"));
        for (int w = 0; w < WRITERS; w++) {
            Path log = dir.resolve("api-" + w + ".log");
            servers.add(ChildJvm.main(ApiServerChild.class, log, Map.of(), efs.toString()));
        }
        for (int w = 0; w < WRITERS; w++) {
            Path log = dir.resolve("api-" + w + ".log");
            // Generous: four JVMs start at once on a machine that may be busy with other builds.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            String port = null;
            while (port == null) {
                assertThat(servers.get(w).isAlive()).as("api server %d: %s", w, Files.exists(log) ? Files.readString(log) : "").isTrue();
                assertThat(System.nanoTime()).as("api server %d started", w).isLessThan(deadline);
                port = Files.exists(log) ? Files.readString(log).lines().filter(l -> l.startsWith("PORT "))
                        .map(l -> l.substring(5).trim()).findFirst().orElse(null) : null;
                if (port == null) {
                    Thread.sleep(10);
                }
            }
            walls.add(URI.create("http://127.0.0.1:" + port + "/api/messages"));
        }
    }

    @AfterEach
    void stopServers() throws Exception {
        for (Process p : servers) {
            p.getOutputStream().close();
        }
        for (Process p : servers) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static String line(int writer, int n) {
        return "w" + writer + "-" + n + " " + PAD;
    }

    private HttpResponse<String> post(int server, String text) throws Exception {
        return http.send(HttpRequest.newBuilder(walls.get(server)).header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code EACH} posts per writer, one writer per server, all at once; returns the failures. */
    private List<String> postAll(Runnable afterEachPost) throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int n = 0; n < EACH; n++) {
                        HttpResponse<String> r = post(writer, line(writer, n));
                        List<String> lines = r.body().lines().toList();
                        if (r.statusCode() != 200 || lines.isEmpty() || !lines.get(lines.size() - 1).equals(line(writer, n))) {
                            failures.add("post " + writer + "/" + n + ": " + r.statusCode() + " last line not its own");
                        }
                        afterEachPost.run();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }

    @Test
    void fourProcessesTimesTwentyFivePostsLeaveExactlyOneHundredWholeLines() throws Exception {
        List<String> failures = postAll(() -> { });

        assertThat(failures).isEmpty();
        String wall = http.send(HttpRequest.newBuilder(walls.get(0)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> expected = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            for (int n = 0; n < EACH; n++) {
                expected.add(line(w, n));
            }
        }
        assertThat(wall).endsWith("\n");
        assertThat(wall.lines().toList()).hasSize(WRITERS * EACH).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void deleteUnderLoadLeavesAConsistentWall() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        AtomicInteger deletes = new AtomicInteger();
        List<String> failures = postAll(() -> {
            // Every 20th post, delete the wall through the server of the next writer in turn.
            if (posts.incrementAndGet() % 20 == 0) {
                try {
                    var r = http.send(HttpRequest.newBuilder(walls.get(deletes.getAndIncrement() % WRITERS)).DELETE().build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.body()).isEqualTo("Messages deleted.");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        assertThat(failures).isEmpty();
        assertThat(deletes.get()).isEqualTo(WRITERS * EACH / 20);
        String wall = http.send(HttpRequest.newBuilder(walls.get(1)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        if (wall.equals("No message yet.")) {
            return; // the last delete came after every post
        }
        assertThat(wall).endsWith("\n");
        // Each writer posts in order and a delete removes everything before it, so what is left of each writer
        // is a run of its latest lines, each whole and once.
        Map<Integer, List<Integer>> byWriter = new HashMap<>();
        for (String l : wall.lines().toList()) {
            assertThat(l).matches("w[0-3]-\\d+ " + PAD);
            int writer = l.charAt(1) - '0';
            byWriter.computeIfAbsent(writer, k -> new ArrayList<>()).add(Integer.parseInt(l.substring(3, l.indexOf(' '))));
        }
        byWriter.forEach((writer, ns) -> {
            assertThat(ns).as("writer %d", writer).isSorted().doesNotHaveDuplicates();
            assertThat(ns.get(ns.size() - 1)).as("writer %d's last line", writer).isEqualTo(EACH - 1);
            assertThat(ns.get(ns.size() - 1) - ns.get(0)).as("writer %d's lines are one run", writer).isEqualTo(ns.size() - 1);
        });
    }
}
