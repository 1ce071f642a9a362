package io.nodecache.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.nodecache.dashboard.transport.NodeResponse;
import io.nodecache.dashboard.transport.NodeTarget;
import io.nodecache.dashboard.transport.NodeToken;
import io.nodecache.dashboard.transport.NodeTransport.StreamResponse;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.node.auth.AuthNode;
import io.nodecache.node.auth.FakeReviews;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's pod-proxy transport through a test API server that strips {@code Authorization} as the real one
 * does, to a real node in {@code nodecache.api-auth=kubernetes} whose reviews fabric8's mock server answers: the node
 * token reaches the node in {@code X-Nodecache-Token} and is checked there (reads, the switch, the stream); without it
 * the node refuses; the node never sees the dashboard's credentials for the API server; a rotated token file is read
 * again.
 */
class PodProxyTokenTest {

    static final String DASHBOARD_SA = "dashboard-credentials-for-the-api-server";
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final NodeTarget NODE = NodeTarget.pod("worker-1", "kube-system", "node-local-dns-x7k2p", 8080);
    static final JsonMapper JSON = JsonMapper.builder().build();

    static TestUpstream upstream;
    static KubernetesMockServer reviewServer;
    static KubernetesClient nodeClient;
    static FakeReviews reviews;
    static AuthNode node;
    static FakeApiServer apiServer;
    static KubernetesClient dashboardClient;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        reviewServer = new KubernetesMockServer(false);
        reviewServer.init();
        reviews = new FakeReviews(reviewServer);
        nodeClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(reviewServer.url("/")).withRequestRetryBackoffLimit(0).build()).build();
        node = AuthNode.start(upstream, List.of("--nodecache.api-auth=kubernetes", "--POD_NAMESPACE=kube-system",
                "--NODE_NAME=worker-1"), c -> c.getBeanFactory().registerSingleton("testKubernetesClient", nodeClient));
        apiServer = new FakeApiServer(DASHBOARD_SA);
        apiServer.pod(NODE.namespace(), NODE.pod(), NODE.port(), URI.create("http://127.0.0.1:" + node.port + "/"));
        dashboardClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServer.url()).withOauthToken(DASHBOARD_SA).withRequestRetryBackoffLimit(0).build())
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {dashboardClient, apiServer, node, nodeClient, upstream}) {
            if (c != null) {
                c.close();
            }
        }
        if (reviewServer != null) {
            reviewServer.destroy();
        }
    }

    @Test
    void theNodeTokenPassesTheProxyInItsOwnHeaderAndIsChecked() throws Exception {
        PodProxyTransport transport = new PodProxyTransport(dashboardClient, NodeToken.fixed("operator-dashboard"));
        NodeResponse rows = send(transport, "GET", "api/v1/queries", null);
        assertEquals(200, rows.status(), rows.body());
        assertTrue(JSON.readTree(rows.body()).has("queries"), rows.body());
        NodeResponse put = send(transport, "PUT", "api/v1/logging", "{\"enabled\":false}");
        assertEquals(200, put.status(), put.body());
        try (StreamResponse s = transport.stream(NODE, "api/v1/queries/stream", TIMEOUT).get(20, TimeUnit.SECONDS)) {
            assertEquals(200, s.status());
            assertTrue(new String(s.body().readNBytes(6), StandardCharsets.UTF_8).startsWith("event:"));
        }
        assertNull(apiServer.forwardedAuthorization.get(apiServer.forwardedAuthorization.size() - 1),
                "the proxy stripped Authorization");
        assertTrue(reviews.reviewedTokens.contains("operator-dashboard"), "the node reviewed the header's token");
        assertFalse(reviews.reviewedTokens.contains(DASHBOARD_SA), "and never saw the dashboard's API credentials");
    }

    @Test
    void withoutTheNodeTokenTheNodeRefusesWhatTheProxyLetThrough() throws Exception {
        PodProxyTransport transport = new PodProxyTransport(dashboardClient);
        for (String[] call : new String[][] {{"GET", "api/v1/queries", null}, {"GET", "api/v1/chains", null},
                {"PUT", "api/v1/logging", "{\"enabled\":true}"}}) {
            NodeResponse r = send(transport, call[0], call[1], call[2]);
            assertEquals(401, r.status(), r.body());
            assertEquals("missing", JSON.readTree(r.body()).path("reason").asString(), "the node's answer: " + r.body());
        }
        try (StreamResponse s = transport.stream(NODE, "api/v1/queries/stream", TIMEOUT).get(20, TimeUnit.SECONDS)) {
            assertEquals(401, s.status());
        }
    }

    @Test
    void aRotatedTokenFileIsReadAgain() throws Exception {
        Path file = Files.createTempFile("nodecache-node-token-", "");
        try {
            Files.writeString(file, "reader-rotating\n");
            PodProxyTransport transport = new PodProxyTransport(dashboardClient, NodeToken.file(file));
            assertEquals(200, send(transport, "GET", "api/v1/node", null).status());
            assertEquals(403, send(transport, "PUT", "api/v1/logging", "{\"enabled\":false}").status(),
                    "a reader may not switch");
            // The kubelet writes the new token beside the old one and swaps it in.
            Path next = Files.createTempFile(file.getParent(), "nodecache-node-token-next-", "");
            Files.writeString(next, "operator-rotated");
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals(200, send(transport, "PUT", "api/v1/logging", "{\"enabled\":false}").status(),
                    "the new token is the one sent");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static NodeResponse send(PodProxyTransport t, String method, String path, String body) throws Exception {
        return t.send(NODE, method, path, body, TIMEOUT).get(20, TimeUnit.SECONDS);
    }
}
