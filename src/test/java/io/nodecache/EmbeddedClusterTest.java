package io.nodecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.testing.TestUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's run command as a test: two demo nodes, each its own DNS listener and node API, the demo pods spread
 * over them, and the dashboard over both — which sees both nodes ready, names the pods on each, and says it is demo
 * traffic. Only the {@code .} upstream is pointed at a loopback server, so nothing leaves the machine.
 */
class EmbeddedClusterTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void twoDemoNodesAndTheDashboardOverBoth() throws Exception {
        int firstPort = twoFreePorts();
        try (TestUpstream outside = TestUpstream.builder().start();
                EmbeddedCluster cluster = EmbeddedCluster.start(new String[] {"--server.port=0",
                        "--nodecache.upstream-servers=127.0.0.1:" + outside.port(),
                        "--nodecache.demo.interval=200ms", "--nodecache.dashboard.refresh=300ms"}, 2, firstPort, 6,
                        true)) {
            assertEquals(java.util.List.of(firstPort, firstPort + 1), cluster.nodePorts());
            int web = Integer.parseInt(cluster.dashboard().getEnvironment().getProperty("local.server.port"));
            JsonNode node2 = get(firstPort + 1, "/api/v1/node");
            assertEquals("demo-node-2", node2.path("node").asString());
            assertEquals("127.0.0.2:1053", node2.path("dns").path(0).asString());

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Set<String> nodesWithPods = new HashSet<>();
            JsonNode cluster1;
            do {
                cluster1 = get(web, "/api/v1/cluster");
                nodesWithPods.clear();
                for (JsonNode p : get(web, "/api/v1/cluster/pods?window=5m").path("pods")) {
                    if (p.path("pod").isString()) {
                        nodesWithPods.add(p.path("node").asString());
                    }
                }
                // qps needs two of a node's once-a-second samples with traffic between them
                if (nodesWithPods.size() == 2 && cluster1.path("coverage").path("reporting").asInt() == 2
                        && cluster1.path("totals").path("qps").asDouble() > 0) {
                    break;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
            assertEquals(Set.of("demo-node-1", "demo-node-2"), nodesWithPods, cluster1.toPrettyString());
            assertTrue(cluster1.path("demo").asBoolean());
            for (JsonNode n : cluster1.path("nodes")) {
                assertEquals("ready", n.path("state").asString(), n.toString());
            }
            assertTrue(cluster1.path("totals").path("qps").asDouble() > 0, cluster1.toString());
            assertEquals(6, cluster1.path("pods").path("known").asInt());
            JsonNode busiest = cluster1.path("topClients").path(0);
            assertTrue(busiest.path("ip").asString().startsWith("127.0.1."), cluster1.path("topClients").toString());
            assertTrue(busiest.path("pod").isString() && busiest.path("queries").asLong() > 0, busiest.toString());
            assertEquals("/pods/" + busiest.path("namespace").asString() + "/" + busiest.path("pod").asString(),
                    busiest.path("link").asString());
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** A port p with p and p + 1 free: the nodes' web ports. */
    static int twoFreePorts() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (ServerSocket s = new ServerSocket(0)) {
                p = s.getLocalPort();
            }
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
                return p;
            } catch (java.io.IOException taken) {
                // Try another.
            }
        }
        throw new IllegalStateException("no two adjacent free ports");
    }
}
