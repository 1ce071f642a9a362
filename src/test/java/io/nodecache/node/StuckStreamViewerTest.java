package io.nodecache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.testing.SequentialQueries;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A live-stream viewer that stops reading (a browser that stopped reading its SSE stream) over real HTTP and real
 * DNS: DNS keeps answering as fast as before, a viewer who reads keeps getting rows, the stuck viewer's rows are
 * dropped and counted in the API and the metrics, and its stream is cut at the web server's write timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "nodecache.conf=src/test/resources/node/api-Corefile", "nodecache.embedded-upstream=true",
        "nodecache.demo.enabled=false", "server.tomcat.connection-timeout=3s"})
@DirtiesContext
class StuckStreamViewerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    NodeRuntime runtime;

    @Test
    void aViewerThatStopsReadingLosesItsRowsAndItsStreamButSlowsNoQuery() throws Exception {
        InetSocketAddress dns = runtime.addresses().get(0);
        int queries = 20_000;
        assertEquals(200, send("PUT", "/api/v1/logging", "{\"enabled\":true,\"duration\":\"0\"}").statusCode());
        long[] before = SequentialQueries.drive(dns, "www.example.", queries);

        // A viewer who reads, and one who sends its request and never reads a byte of the answer.
        AtomicLong readerRows = new AtomicLong();
        HttpResponse<InputStream> good = http.send(HttpRequest.newBuilder(uri("/api/v1/queries/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(good.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("event:query")) {
                        readerRows.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                // closed at the end
            }
        });
        reader.setDaemon(true);
        reader.start();
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(2048);
        stuck.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream req = stuck.getOutputStream();
        req.write(("GET /api/v1/queries/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        req.flush();
        awaitTrue(() -> node().get("queryLog").get("streamViewers").asInt() == 2, "both viewers open");

        long heapBefore = heapAfterGc();
        long readerBefore = readerRows.get();
        long[] during = SequentialQueries.drive(dns, "www.example.", queries);
        long heapDuring = heapAfterGc();
        awaitTrue(() -> node().get("queryLog").get("streamRowsDropped").asLong() > 0, "rows dropped for the stuck");
        // Cut at the write timeout (3 s here) once its socket is full; only the reading viewer is left. How much a
        // socket takes before a write blocks is the kernel's (the send buffer autotunes up to tcp_wmem's 4 MiB):
        // queries keep coming until it is full, as on a busy node.
        long cutWait = System.nanoTime();
        long[] more = {0};
        awaitTrue(() -> {
            if (node().get("queryLog").get("streamViewers").asInt() == 1) {
                return true;
            }
            more[0] += SequentialQueries.drive(dns, "www.example.", 1000)[0];
            return false;
        }, "the stuck stream cut");
        long cutAfter = (System.nanoTime() - cutWait) / 1_000_000;
        // rows the reading viewer got while the other one was stuck, up to its cut
        long readerGot = readerRows.get() - readerBefore;
        JsonNode losses = node().get("queryLog");
        String metrics = send("GET", "/actuator/prometheus", null).body();

        System.out.printf("live stream, one viewer reading and one stuck (2 KiB receive buffer, never read): "
                + "%d UDP queries before / during: answered %d / %d, p50 %.2f / %.2f ms, p99 %.2f / %.2f ms, "
                + "%d / %d queries/s; reading viewer got %d rows meanwhile; stuck viewer: %d rows dropped, cut %d ms "
                + "after the flood (%d more queries meanwhile; streamsCut %d); heap after GC before / during %d / %d KiB%n", queries,
                before[0], during[0], before[1] / 1e6, during[1] / 1e6, before[2] / 1e6, during[2] / 1e6,
                before[3], during[3], readerGot, losses.get("streamRowsDropped").asLong(), cutAfter,
                more[0], losses.get("streamsCut").asLong(), heapBefore >> 10, heapDuring >> 10);
        assertEquals(queries, during[0], "every query answered");
        // Loose on a shared 2-core machine: no query waited anywhere near a stuck write.
        assertTrue(during[2] < Duration.ofMillis(250).toNanos(), "p99 " + during[2] / 1e6 + " ms");
        assertTrue(readerGot > queries / 10, "the reading viewer kept getting rows: " + readerGot);
        assertTrue(losses.get("streamsCut").asLong() >= 1);
        assertTrue(metricValue(metrics, "nodecache_querylog_stream_rows_dropped_total") > 0, metrics);
        assertTrue(metricValue(metrics, "nodecache_querylog_stream_cut_total") >= 1);
        assertEquals(1, metricValue(metrics, "nodecache_querylog_stream_viewers"));
        // Each viewer's queue holds 2000 rows at most: the stuck one cannot grow the heap by much.
        assertTrue(heapDuring - heapBefore < 16 << 20, "heap grew " + ((heapDuring - heapBefore) >> 10) + " KiB");
        stuck.close();
        send("PUT", "/api/v1/logging", "{\"enabled\":false}");
    }

    @Test
    void aViewerIdleLongerThanTheConnectionTimeoutKeepsItsStream() throws Exception {
        InetSocketAddress dns = runtime.addresses().get(0);
        send("PUT", "/api/v1/logging", "{\"enabled\":true,\"duration\":\"0\"}");
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/v1/queries/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals("event:logging", in.readLine());
            // Nothing to send for longer than the 3 s connection timeout: only a blocked write is cut.
            Thread.sleep(5000);
            SequentialQueries.drive(dns, "www.example.", 1);
            String line;
            while ((line = in.readLine()) != null && !line.equals("event:query")) {
                // the logging event's data, blank lines
            }
            assertEquals("event:query", line, "the stream outlived the connection timeout");
        } finally {
            send("PUT", "/api/v1/logging", "{\"enabled\":false}");
        }
    }


    private JsonNode node() throws Exception {
        return json.readTree(send("GET", "/api/v1/node", null).body());
    }

    private static double metricValue(String exposition, String name) {
        return exposition.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void awaitTrue(Check condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
