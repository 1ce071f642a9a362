package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.xbill.DNS.Type;

/**
 * The README's run command as a test: the embedded default with no flags answers {@code dig} at 127.0.0.1:1053
 * from the embedded cluster zone, the second time from the cache. Only the {@code .} upstream is pointed at a
 * loopback server, so nothing leaves the machine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Closed after the class: a cached context would keep 127.0.0.1:1053, and a later test's node there would share
// the port with it (SO_REUSEPORT) instead of failing to bind.
@DirtiesContext
class EmbeddedDefaultSmokeTest {

    static final TestUpstream OUTSIDE = TestUpstream.builder()
            .withRecord("www.outside.test.", Type.A, 300, "192.0.2.7").start();

    static {
        // The DNS node starts while Spring reads its environment, before test property sources exist.
        System.setProperty("nodecache.upstream-servers", "127.0.0.1:" + OUTSIDE.port());
        // The demo pods (on by default here) would cache kubernetes.default before the first dig, whose TTL must be
        // the upstream's 30; the demo has its own tests (io.nodecache.demo).
        System.setProperty("nodecache.demo.enabled", "false");
    }

    @LocalServerPort
    int webPort;

    @AfterAll
    static void stopUpstream() {
        System.clearProperty("nodecache.upstream-servers");
        System.clearProperty("nodecache.demo.enabled");
        OUTSIDE.close();
    }

    @Test
    void digAnswersFromTheEmbeddedZoneThenFromTheCache() throws Exception {
        List<String> first = dig("kubernetes.default.svc.cluster.local", "A");
        Thread.sleep(1100);
        List<String> second = dig("kubernetes.default.svc.cluster.local", "A");

        assertEquals("10.96.0.1", field(first, 4));
        assertEquals("10.96.0.1", field(second, 4));
        int ttl1 = Integer.parseInt(field(first, 1));
        int ttl2 = Integer.parseInt(field(second, 1));
        assertEquals(30, ttl1);
        assertTrue(ttl2 < ttl1, "cached TTL counts down: " + ttl1 + " then " + ttl2);
    }

    @Test
    void externalNamesGoToTheConfiguredUpstreamAndDemoNamesStayLocal() throws Exception {
        assertEquals("192.0.2.7", field(dig("www.outside.test", "A"), 4));
        assertTrue(OUTSIDE.queriesFor("www.outside.test.", Type.A) >= 1);
        assertTrue(field(dig("www.example", "A"), 4).matches("(192\\.0\\.2|198\\.51\\.100)\\.\\d+"));
        assertEquals(0, OUTSIDE.queriesFor("www.example.", Type.A));
    }

    @Test
    void healthAndReadinessAnswer() throws Exception {
        assertEquals("200 OK", get(8081, "/health"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String readiness = get(webPort, "/actuator/health/readiness");
        while (!readiness.startsWith("200") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            readiness = get(webPort, "/actuator/health/readiness");
        }
        assertTrue(readiness.startsWith("200") && readiness.contains("\"UP\""), readiness);
        assertEquals("200 OK", get(8081, "/ready"));
    }

    private static List<String> dig(String name, String type) throws Exception {
        Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", "1053", "+noall", "+answer", "+tries=1", "+time=3",
                name, type).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<String> lines = out.lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
        assertTrue(!lines.isEmpty(), "no answer from dig: " + out);
        return lines;
    }

    private static String field(List<String> lines, int index) {
        return lines.get(0).split("\\s+")[index];
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
