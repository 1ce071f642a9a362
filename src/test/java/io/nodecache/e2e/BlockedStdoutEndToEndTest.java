package io.nodecache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.testing.FreePorts;
import io.nodecache.testing.SequentialQueries;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * stdout that blocks, for real: a node in its own JVM, with the shipped JVM flags, whose stdout (and stderr) is a
 * pipe this test never reads, as a container log pipe nobody drains. Its 64 KiB fill with the start-up lines and
 * the first query lines; from then on every write to it blocks. With query logging on, every query must still be
 * answered, about as fast as with logging off, and the lines that could not be written are dropped and counted.
 */
class BlockedStdoutEndToEndTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aStdoutNobodyReadsDropsCountedLinesAndSlowsNoQuery() throws Exception {
        int queries = 10_000;
        int dnsPort = FreePorts.udpAndTcp();
        int webPort = FreePorts.udpAndTcp();
        Path dir = Files.createTempDirectory("nodecache-blocked-stdout-");
        try (TestUpstream up = TestUpstream.builder().withSoa("test.", 60, 60)
                .withRecord("hot.test.", Type.A, 300, "192.0.2.1").start()) {
            Path corefile = dir.resolve("Corefile");
            Files.writeString(corefile, """
                    test.:%d {
                        errors
                        bind 127.0.0.1
                        cache 300
                        forward . 127.0.0.1:%d
                    }
                    """.formatted(dnsPort, up.port()));
            List<String> argv = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + Path.of("src", "main", "jvm", "jvm.options").toAbsolutePath(),
                    "-cp", System.getProperty("java.class.path"), "io.nodecache.NodecacheApplication",
                    "--nodecache.conf=" + corefile, "--nodecache.embedded-upstream=false",
                    "--nodecache.demo.enabled=false", "--server.port=" + webPort, "--server.address=127.0.0.1"));
            // ProcessBuilder's default: stdout and stderr are pipes to this JVM, which never reads them.
            Process node = new ProcessBuilder(argv).start();
            try {
                awaitReady(node, webPort);
                InetSocketAddress dns = new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort);
                SequentialQueries.drive(dns, "hot.test.", 500); // warm: the cache and the JIT
                long[] off = SequentialQueries.drive(dns, "hot.test.", queries);
                JsonNode on = json.readTree(send("PUT", webPort, "/api/v1/logging",
                        "{\"enabled\":true,\"duration\":\"0\",\"format\":\"coredns\"}").body());
                assertTrue(on.get("enabled").asBoolean(), on.toString());
                long[] logged = SequentialQueries.drive(dns, "hot.test.", queries);
                // The writer thread took what it could, and the rest counted once the buffer filled.
                Thread.sleep(500);
                JsonNode summary = json.readTree(send("GET", webPort, "/api/v1/node", null).body());
                long droppedApi = summary.get("queryLog").get("linesDropped").asLong();
                String metrics = send("GET", webPort, "/actuator/prometheus", null).body();
                double droppedMetric = metricValue(metrics, "nodecache_querylog_lines_dropped_total");
                long countedBefore = statsQueries(webPort);
                long[] after = SequentialQueries.drive(dns, "hot.test.", queries);
                Thread.sleep(1500); // the per-second sampler
                long counted = statsQueries(webPort) - countedBefore;
                System.out.printf("stdout a pipe nobody reads (node JVM with src/main/jvm/jvm.options), %d UDP "
                        + "queries one at a time, logging off / on (stdout blocked) / on, later: answered %d / %d / %d, "
                        + "p50 %.2f / %.2f / %.2f ms, p99 %.2f / %.2f / %.2f ms, %d / %d / %d queries/s; "
                        + "lines dropped: API %d, nodecache_querylog_lines_dropped_total %.0f; the last %d counted in the stats "
                        + "%d%n", queries,
                        off[0], logged[0], after[0], off[1] / 1e6, logged[1] / 1e6, after[1] / 1e6, off[2] / 1e6,
                        logged[2] / 1e6, after[2] / 1e6, off[3], logged[3], after[3], droppedApi, droppedMetric,
                        queries, counted);
                assertTrue(node.isAlive());
                assertEquals(queries, logged[0], "every query answered with stdout blocked");
                assertEquals(queries, after[0], "and still later");
                // ~100 B a line: the 64 KiB pipe and the 320 KiB the node buffers hold some 4000 of them.
                assertTrue(droppedApi > 0 && droppedApi <= queries, "lines dropped: " + droppedApi);
                assertTrue(droppedMetric >= droppedApi, metrics);
                // The event dispatcher that writes the log also feeds the stats: a blocked write would stop them.
                assertTrue(counted >= queries, "stats counted " + counted + " of the last " + queries);
                // Loose, on a loaded 2-core machine: no query waited on stdout (a blocked write would be for ever).
                assertTrue(logged[2] < Duration.ofMillis(250).toNanos(), "p99 " + logged[2] / 1e6 + " ms");
                assertTrue(after[2] < Duration.ofMillis(250).toNanos(), "p99 " + after[2] / 1e6 + " ms");
            } finally {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void awaitReady(Process node, int webPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && node.isAlive()) {
            try {
                JsonNode s = json.readTree(send("GET", webPort, "/api/v1/node", null).body());
                if (s.get("ready").asBoolean()) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("node not ready; alive " + node.isAlive());
    }


    private long statsQueries(int webPort) throws Exception {
        return json.readTree(send("GET", webPort, "/api/v1/stats?window=1h", null).body()).get("figures")
                .get("queries").asLong();
    }

    private static double metricValue(String exposition, String name) {
        return exposition.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private HttpResponse<String> send(String method, int port, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
