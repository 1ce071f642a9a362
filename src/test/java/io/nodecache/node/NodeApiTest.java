package io.nodecache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.runtime.NodeRuntime;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The node's JSON API and live stream over real HTTP, fed by real DNS queries to the real server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "nodecache.conf=src/test/resources/node/api-Corefile", "nodecache.embedded-upstream=true",
        "nodecache.demo.enabled=false"})
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class NodeApiTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    NodeRuntime runtime;

    @AfterEach
    void loggingOff() throws Exception {
        send("PUT", "/api/v1/logging", "{\"enabled\":false}");
    }

    @Test
    void loggingSwitchGovernsRowsAndStdoutLines(CapturedOutput output) throws Exception {
        JsonNode off = body(send("GET", "/api/v1/logging", null));
        assertFalse(off.get("enabled").asBoolean(), "the Corefile has no log: logging starts off");

        long before = body(send("GET", "/api/v1/queries", null)).get("next").asLong();
        dig("kubernetes.default.svc.cluster.local.", Type.A);
        Thread.sleep(300);
        assertTrue(body(send("GET", "/api/v1/queries?since=" + before, null)).get("queries").isEmpty(),
                "no rows while off");

        JsonNode on = body(send("PUT", "/api/v1/logging",
                "{\"enabled\":true,\"duration\":\"15m\",\"format\":\"coredns\"}"));
        assertTrue(on.get("enabled").asBoolean());
        assertEquals("all", on.get("mode").asString());
        Instant until = Instant.parse(on.get("until").asString());
        assertTrue(Duration.between(Instant.now(), until).toMinutes() >= 14, until.toString());

        dig("Kube-DNS.kube-system.svc.cluster.local.", Type.A);
        JsonNode page = waitForRows("?since=" + before, 1);
        JsonNode row = page.get("queries").get(0);
        assertEquals("Kube-DNS.kube-system.svc.cluster.local.", row.get("name").asString());
        assertEquals("A", row.get("type").asString());
        assertEquals("NOERROR", row.get("rcode").asString());
        assertTrue(row.get("line").asString().startsWith("[INFO] 127.0.0.1:"));
        assertTrue(waitFor(() -> output.getOut().contains("\"A IN Kube-DNS.kube-system.svc.cluster.local. udp")),
                "CoreDNS line on stdout");

        long next = page.get("next").asLong();
        assertTrue(body(send("GET", "/api/v1/queries?since=" + next, null)).get("queries").isEmpty(),
                "the cursor hides rows already seen");

        send("PUT", "/api/v1/logging", "{\"enabled\":false}");
        int linesBefore = output.getOut().split("\n").length;
        dig("nope.default.svc.cluster.local.", Type.A);
        Thread.sleep(300);
        assertEquals(linesBefore, output.getOut().split("\n").length, "no stdout line once logging is off");
        assertTrue(body(send("GET", "/api/v1/queries?since=" + next, null)).get("queries").isEmpty());
    }

    @Test
    void jsonFormatWritesOneObjectPerLine(CapturedOutput output) throws Exception {
        send("PUT", "/api/v1/logging", "{\"enabled\":true,\"duration\":\"0\",\"format\":\"json\"}");
        dig("www.example.", Type.AAAA);
        assertTrue(waitFor(() -> output.getOut().lines().anyMatch(l -> l.startsWith("{\"time\":")
                && l.contains("\"name\":\"www.example.\"") && l.contains("\"type\":\"AAAA\""))), output.getOut());
        JsonNode state = body(send("GET", "/api/v1/logging", null));
        assertTrue(state.get("until").isNull(), "duration 0: no auto-off");
        assertEquals("json", state.get("format").asString());
    }

    @Test
    void filtersNarrowTheRows() throws Exception {
        send("PUT", "/api/v1/logging", "{\"enabled\":true}");
        dig("www.example.", Type.A);
        dig("www.example.", Type.AAAA);
        dig("typo.default.svc.cluster.local.", Type.A);
        waitForRows("?name=typo", 1);
        JsonNode nx = body(send("GET", "/api/v1/queries?rcode=NXDOMAIN&name=TYPO", null)).get("queries");
        assertEquals(1, nx.size());
        assertEquals("typo.default.svc.cluster.local.", nx.get(0).get("name").asString());
        JsonNode aaaa = body(send("GET", "/api/v1/queries?qtype=AAAA&client=127.0.0.1", null)).get("queries");
        assertTrue(aaaa.size() >= 1);
        aaaa.forEach(r -> assertEquals("AAAA", r.get("type").asString()));
    }

    @Test
    void statsCountHitsAndMissesPerServerBlock() throws Exception {
        for (int i = 0; i < 3; i++) {
            dig("kubernetes.default.svc.cluster.local.", Type.AAAA);
        }
        assertTrue(waitFor(() -> {
            JsonNode caches = body(send("GET", "/api/v1/stats?window=5m", null)).get("figures").get("caches");
            for (JsonNode c : caches) {
                if (c.get("zone").asString().startsWith("cluster.local.") && c.get("denialHits").asLong() >= 2) {
                    return c.get("hitRatio").asDouble() > 0;
                }
            }
            return false;
        }), body(send("GET", "/api/v1/stats?window=5m", null)).toString());
        JsonNode stats = body(send("GET", "/api/v1/stats?window=1h", null));
        assertTrue(stats.get("figures").get("queries").asLong() >= 3);
        assertTrue(stats.get("upstreams").size() >= 1);
        assertTrue(stats.get("upstreams").get(0).get("healthy").asBoolean());
        assertTrue(body(send("GET", "/api/v1/stats/series?seconds=60", null)).isArray());
    }

    @Test
    void chainsAreNumberedAndAfterGivesOnlyTheNewOnes() throws Exception {
        // A pod in "default" looking up www.example the way glibc does with ndots:5.
        for (String suffix : new String[] {"default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""}) {
            dig("www.example." + suffix, Type.A);
        }
        assertTrue(waitFor(() -> body(send("GET", "/api/v1/chains", null)).size() >= 1), "a chain");
        JsonNode first = body(send("GET", "/api/v1/chains", null)).get(0);
        long seq = first.get("seq").asLong();
        assertTrue(seq >= 0);
        assertEquals("www.example", first.get("baseName").asString(), "the chain's own fields beside seq");
        assertEquals(0, body(send("GET", "/api/v1/chains?after=" + seq, null)).size(), "nothing newer yet");

        for (String suffix : new String[] {"default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""}) {
            dig("api.example." + suffix, Type.A);
        }
        assertTrue(waitFor(() -> body(send("GET", "/api/v1/chains?after=" + seq, null)).size() == 1), "one new");
        JsonNode next = body(send("GET", "/api/v1/chains?after=" + seq, null)).get(0);
        assertEquals(seq + 1, next.get("seq").asLong());
        assertEquals("api.example", next.get("baseName").asString());
        assertEquals(400, send("GET", "/api/v1/chains?since=yesterday", null).statusCode());
    }

    @Test
    void badInputGetsProblemDetails() throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/queries?qtype=BOGUS", null);
        assertEquals(400, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("qtype: unknown type 'BOGUS'", body(r).get("detail").asString());
        assertEquals(400, send("GET", "/api/v1/stats?window=2h", null).statusCode());
        HttpResponse<String> noEnabled = send("PUT", "/api/v1/logging", "{\"duration\":\"5m\"}");
        assertEquals(400, noEnabled.statusCode());
        assertEquals("enabled: required (true or false)", body(noEnabled).get("detail").asString());
        assertEquals(400, send("PUT", "/api/v1/logging", "{\"enabled\":true,\"duration\":\"soon\"}").statusCode());
        assertEquals(400, send("PUT", "/api/v1/logging", "not json").statusCode());
    }

    @Test
    void liveStreamSendsQueriesAsTheyHappen() throws Exception {
        send("PUT", "/api/v1/logging", "{\"enabled\":true}");
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/v1/queries/stream?name=svc"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    boolean queryEvent = false;
                    while ((line = in.readLine()) != null) {
                        if (line.equals("event:query")) {
                            queryEvent = true;
                        } else if (queryEvent && line.startsWith("data:")) {
                            return line;
                        }
                    }
                    return null;
                } catch (Exception e) {
                    return null;
                }
            });
            Thread.sleep(300);
            dig("www.example.", Type.A);
            dig("kube-dns.kube-system.svc.cluster.local.", Type.A);
            String data = seen.get(5, TimeUnit.SECONDS);
            assertTrue(data.contains("\"name\":\"kube-dns.kube-system.svc.cluster.local.\""), data);
        }
    }

    @Test
    void summaryNamesTheNode() throws Exception {
        JsonNode node = body(send("GET", "/api/v1/node", null));
        assertTrue(node.get("ready").asBoolean() || node.has("ready"));
        assertEquals("cluster.local.", node.get("zones").get(0).asString());
        assertTrue(node.get("dns").get(0).asString().startsWith("127.0.0.1:"));
    }

    private JsonNode waitForRows(String query, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        JsonNode page = body(send("GET", "/api/v1/queries" + query, null));
        while (page.get("queries").size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
            page = body(send("GET", "/api/v1/queries" + query, null));
        }
        assertTrue(page.get("queries").size() >= atLeast, page.toString());
        return page;
    }

    private static boolean waitFor(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(50);
        }
        return check.ok();
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    private Message dig(String name, int type) throws Exception {
        InetSocketAddress dns = runtime.addresses().get(0);
        SimpleResolver r = new SimpleResolver(dns);
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> r) {
        return json.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
