package io.nodecache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.dashboard.transport.ServerSentEvents;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two real nodes, each serving one pod network namespace on port 53 (the real glibc resolver, a pod's resolv.conf),
 * and the dashboard over both in static discovery, reaching them only over HTTP: a toggle through the dashboard
 * reaches the second node alone and is read back from that node's own API; a chain a pod makes is found under the
 * pod's name with the node that saw it; the merged stream names the pod of each row; a listed node that does not
 * answer is marked unreachable and left out of the totals.
 *
 * <p>Pod 1 (10.244.1.2, {@code default/frontend-7d9f}) asks node-a on 10.244.1.1; pod 2 (10.244.2.2,
 * {@code shop/cart-5c8b}) asks node-b on 10.244.2.1. Everything is forwarded to a {@link TestUpstream} on loopback.
 * Needs root and {@code ip netns}, as {@link GlibcChainsEndToEndTest}.
 */
class DashboardEndToEndTest {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static PodNetwork network;
    static TestUpstream upstream;
    static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    static final List<Path> corefiles = new ArrayList<>();
    static final List<Integer> nodePorts = new ArrayList<>();
    static ConfigurableApplicationContext dashboard;
    static int dashboardPort;

    @BeforeAll
    static void start() throws Exception {
        try {
            network = PodNetwork.create(List.of("default", "shop"));
            upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
            for (PodNetwork.Pod pod : network.pods()) {
                Path corefile = Files.createTempFile("nodecache-dash-e2e-", ".Corefile");
                corefiles.add(corefile);
                Files.writeString(corefile, PodNetwork.resource("Corefile.e2e", Map.of(
                        "BIND", pod.nodeIp(), "UPSTREAM", "127.0.0.1:" + upstream.port())));
                ConfigurableApplicationContext node = new SpringApplicationBuilder(NodecacheApplication.class).run(
                        "--server.port=0", "--nodecache.conf=" + corefile, "--nodecache.embedded-upstream=false",
                        "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(), "--nodecache.demo.enabled=false",
                        "--NODE_NAME=node-" + (char) ('a' + pod.index() - 1));
                nodes.add(node);
                nodePorts.add(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
            }
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            dashboard = DashboardApplication.run("--server.port=0",
                    "--nodecache.dashboard.discovery=static",
                    "--nodecache.dashboard.nodes=node-a=http://127.0.0.1:" + nodePorts.get(0)
                            + ",node-b=http://127.0.0.1:" + nodePorts.get(1) + ",node-c=http://127.0.0.1:" + closed,
                    "--nodecache.dashboard.pods=default/frontend-7d9f=10.244.1.2@node-a,shop/cart-5c8b=10.244.2.2",
                    "--nodecache.dashboard.refresh=300ms", "--nodecache.dashboard.timeout=1s");
            dashboardPort = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
        } catch (Throwable t) {
            stop();
            throw t;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (dashboard != null) {
                dashboard.close();
            }
            nodes.forEach(ConfigurableApplicationContext::close);
            if (upstream != null) {
                upstream.close();
            }
            for (Path p : corefiles) {
                Files.deleteIfExists(p);
            }
        } finally {
            if (network != null) {
                network.close();
            }
        }
    }

    @Test
    void loggingToggledThroughTheDashboardReachesTheSecondNodeOnly() throws Exception {
        awaitDashboard("/api/v1/cluster/nodes/node-b", n -> n.path("state").asString().equals("ready"));

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(dashboard("/api/v1/cluster/nodes/node-b/logging"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true,\"duration\":\"5m\",\"format\":\"json\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, put.statusCode(), put.body());
        JsonNode reported = JSON.readTree(put.body());
        assertTrue(reported.path("enabled").asBoolean(), put.body());
        assertEquals("json", reported.path("format").asString());
        JsonNode onNode = get(node(1, "/api/v1/logging"));
        assertTrue(onNode.path("enabled").asBoolean(), onNode.toString());
        assertEquals("json", onNode.path("format").asString());
        assertEquals("all", onNode.path("mode").asString());
        assertEquals(reported.path("until").asString(), onNode.path("until").asString());
        assertFalse(get(node(0, "/api/v1/logging")).path("enabled").asBoolean(), "node-a untouched");
        assertEquals("json", get(dashboard("/api/v1/cluster/nodes/node-b")).path("logging").path("format").asString());

        // A node that does not answer: the toggle says why, once, and nothing else changes.
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(
                dashboard("/api/v1/cluster/nodes/node-c/logging")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(504, refused.statusCode(), refused.body());
        assertTrue(JSON.readTree(refused.body()).path("detail").asString().contains("node-c"), refused.body());
    }

    @Test
    void aChainFromAPodIsFoundUnderThatPodWithTheNodeThatSawIt() throws Exception {
        PodNetwork.Result lookup = network.exec(network.pod(1), WAIT, "getent", "ahosts", "www.example");
        assertEquals(0, lookup.exit(), lookup.toString());

        JsonNode pods = awaitDashboard("/api/v1/cluster/pods?window=5m", p -> find(p.path("pods"),
                r -> r.path("pod").asString("").equals("frontend-7d9f")) != null);
        JsonNode row = find(pods.path("pods"), r -> r.path("pod").asString("").equals("frontend-7d9f"));
        assertEquals("default", row.path("namespace").asString());
        assertEquals("10.244.1.2", row.path("ip").asString());
        assertEquals("node-a", row.path("node").asString());
        assertTrue(row.path("wastedQueries").asInt() >= 3, row.toString());
        assertEquals("/pods/default/frontend-7d9f", row.path("link").asString());

        JsonNode detail = get(dashboard("/api/v1/cluster/pods/default/frontend-7d9f/chains"));
        JsonNode chain = find(detail.path("chains"), c -> c.path("baseName").asString().equals("www.example"));
        assertNotNull(chain, detail.toPrettyString());
        assertEquals("node-a", chain.path("node").asString());
        assertEquals("www.example.default.svc.cluster.local.", chain.path("steps").path(0).path("name").asString());
        assertEquals(1, detail.path("fix").path("ndots").asInt(), detail.path("fix").toString());
        assertTrue(detail.path("fix").path("dnsConfig").asString().contains("name: ndots"), detail.toString());
        assertTrue(find(detail.path("fix").path("fqdns"), n -> n.asString().equals("www.example.")) != null);

        JsonNode names = get(dashboard("/api/v1/cluster/names?window=5m"));
        assertNotNull(find(names.path("names"), n -> n.path("name").asString().equals("www.example")),
                names.toString());
    }

    @Test
    void theMergedStreamNamesEachRowsPodAndNode() throws Exception {
        awaitDashboard("/api/v1/cluster/nodes/node-b", n -> n.path("state").asString().equals("ready"));
        HTTP.send(HttpRequest.newBuilder(node(1, "/api/v1/logging")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true,\"duration\":\"5m\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(
                dashboard("/api/v1/cluster/queries/stream?nodes=node-b&pod=cart-5c8b")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        CompletableFuture<JsonNode> row = new CompletableFuture<>();
        CompletableFuture<JsonNode> connected = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                ServerSentEvents.read(stream.body(), e -> {
                    if (e.type().equals("node")) {
                        connected.complete(JSON.readTree(e.data()));
                    } else if (e.type().equals("query")) {
                        JsonNode q = JSON.readTree(e.data());
                        if (q.path("name").asString().startsWith("catalog")) {
                            row.complete(q);
                        }
                    }
                });
            } catch (Exception ignored) {
                // Closed at the end of the test.
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertTrue(connected.get(WAIT.toSeconds(), TimeUnit.SECONDS).path("connected").asBoolean());
            PodNetwork.Result lookup = network.exec(network.pod(2), WAIT, "getent", "hosts", "catalog");
            assertEquals(0, lookup.exit(), lookup.toString());
            JsonNode q = row.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("node-b", q.path("node").asString());
            assertEquals("shop", q.path("namespace").asString());
            assertEquals("cart-5c8b", q.path("pod").asString());
            assertEquals("10.244.2.2", q.path("client").asString());
        } finally {
            stream.body().close();
        }
    }

    @Test
    void aListedNodeThatDoesNotAnswerIsUnreachableAndLeftOutOfTheTotals() throws Exception {
        JsonNode cluster = awaitDashboard("/api/v1/cluster", c -> c.path("coverage").path("reporting").asInt() == 2);
        assertEquals(3, cluster.path("coverage").path("listed").asInt());
        assertEquals(2, cluster.path("totals").path("covers").path("nodes").asInt());
        assertEquals(3, cluster.path("totals").path("covers").path("of").asInt());
        JsonNode c = find(cluster.path("nodes"), n -> n.path("name").asString().equals("node-c"));
        assertEquals("unreachable", c.path("state").asString());
        assertFalse(c.path("error").asString("").isBlank(), c.toString());
        assertEquals("ready", find(cluster.path("nodes"), n -> n.path("name").asString().equals("node-a"))
                .path("state").asString());
    }

    private static JsonNode find(JsonNode array, Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (p.test(n)) {
                return n;
            }
        }
        return null;
    }

    private static URI dashboard(String path) {
        return URI.create("http://127.0.0.1:" + dashboardPort + path);
    }

    private static URI node(int i, String path) {
        return URI.create("http://127.0.0.1:" + nodePorts.get(i) + path);
    }

    private static JsonNode get(URI uri) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), uri + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** Polls a dashboard resource until it satisfies {@code ready}: the dashboard refreshes every 300 ms. */
    private static JsonNode awaitDashboard(String path, Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last;
        do {
            last = get(dashboard(path));
            if (ready.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " never became as expected: " + last.toPrettyString());
    }
}
