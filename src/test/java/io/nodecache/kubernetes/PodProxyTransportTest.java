package io.nodecache.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.nodecache.NodecacheApplication;
import io.nodecache.dashboard.transport.NodeResponse;
import io.nodecache.dashboard.transport.NodeTarget;
import io.nodecache.dashboard.transport.NodeTransport.StreamResponse;
import io.nodecache.dashboard.transport.ServerSentEvents;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real node app behind a fake API server that plays {@code pods/proxy} as the real one does (bearer token
 * required, {@code Authorization} stripped, the body streamed): JSON, a PUT and the SSE stream reach the node
 * through the transport, and a caller without credentials is refused.
 */
class PodProxyTransportTest {

    static final String TOKEN = "dashboard-sa-token";
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final NodeTarget NODE = NodeTarget.pod("node-a", "kube-system", "node-local-dns-x7k2p", 8080);
    static final JsonMapper JSON = JsonMapper.builder().build();

    static TestUpstream upstream;
    static Path corefile;
    static ConfigurableApplicationContext app;
    static URI nodeDirect;
    static FakeApiServer apiServer;
    static KubernetesClient client;
    static PodProxyTransport transport;

    @BeforeAll
    static void startNodeAndApiServer() throws Exception {
        try {
            upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
            // Port 0 and an address of its own: no clash with other tests' nodes (the embedded default's health and
            // prometheus ports are fixed).
            corefile = Files.createTempFile("nodecache-proxy-", ".Corefile");
            Files.writeString(corefile, ".:0 {\n    errors\n    cache 30\n    bind 127.0.0.41\n    forward . 127.0.0.1:"
                    + upstream.port() + "\n}\n");
            app = new SpringApplicationBuilder(NodecacheApplication.class).run(
                    "--server.port=0",
                    "--server.shutdown=immediate", // the open SSE stream would hold a graceful shutdown for 30 s
                    "--nodecache.conf=" + corefile,
                    "--nodecache.embedded-upstream=false",
                    "--nodecache.demo.enabled=false",
                    "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(),
                    "--nodecache.localip=127.0.0.41");
            nodeDirect = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/");
            apiServer = new FakeApiServer(TOKEN);
            apiServer.pod(NODE.namespace(), NODE.pod(), NODE.port(), nodeDirect);
            client = client(TOKEN);
            transport = new PodProxyTransport(client);
        } catch (Throwable t) {
            stopAll();
            throw t;
        }
    }

    static KubernetesClient client(String token) {
        ConfigBuilder config = new ConfigBuilder(Config.empty()).withMasterUrl(apiServer.url())
                .withRequestRetryBackoffLimit(0);
        if (token != null) {
            config.withOauthToken(token);
        }
        return new KubernetesClientBuilder().withConfig(config.build()).build();
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (apiServer != null) {
                apiServer.close();
            }
            if (app != null) {
                app.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
            if (corefile != null) {
                Files.deleteIfExists(corefile);
            }
        }
    }

    @Test
    void getsTheNodeSummaryThroughThePodProxy() throws Exception {
        NodeResponse r = transport.send(NODE, "GET", "api/v1/node", null, TIMEOUT).get(20, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        JsonNode proxied = JSON.readTree(r.body());
        JsonNode direct = JSON.readTree(get(nodeDirect.resolve("api/v1/node")));
        assertEquals(direct.path("node").asString(), proxied.path("node").asString());
        assertEquals(direct.path("startedAt").asString(), proxied.path("startedAt").asString(), "the same node");
        assertTrue(proxied.has("logging"), r.body());
        assertNull(apiServer.forwardedAuthorization.get(apiServer.forwardedAuthorization.size() - 1),
                "the node never sees the caller's token");
    }

    @Test
    void theNodeConsoleWithItsPrefixPassesThroughTheProxy() throws Exception {
        NodeResponse page = transport.send(NODE, "GET", "", null, TIMEOUT,
                java.util.Map.of("X-Forwarded-Prefix", "/nodes/n1", "Accept", "text/html")).get(20, TimeUnit.SECONDS);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("/nodes/n1/frontend/js/header.js"), "links under the dashboard's prefix");
    }

    @Test
    void aQueryStringAndTheNodesOwnErrorsPassThrough() throws Exception {
        NodeResponse stats = transport.send(NODE, "GET", "api/v1/stats?window=1m", null, TIMEOUT)
                .get(20, TimeUnit.SECONDS);
        assertEquals(200, stats.status(), stats.body());
        assertTrue(JSON.readTree(stats.body()).has("figures"), stats.body());
        NodeResponse bad = transport.send(NODE, "GET", "/api/v1/stats?window=banana", null, TIMEOUT)
                .get(20, TimeUnit.SECONDS);
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().contains("window"), "the node's problem detail names the parameter: " + bad.body());
    }

    @Test
    void putSwitchesTheNodesLogging() throws Exception {
        try {
            NodeResponse r = transport.send(NODE, "PUT", "api/v1/logging", "{\"enabled\":true,\"duration\":\"1m\"}",
                    TIMEOUT).get(20, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r.body());
            assertTrue(JSON.readTree(r.body()).path("enabled").asBoolean(), r.body());
            JsonNode direct = JSON.readTree(get(nodeDirect.resolve("api/v1/logging")));
            assertTrue(direct.path("enabled").asBoolean(), "read back from the node itself: " + direct);
            assertFalse(direct.path("until").isNull(), "a 1m switch turns itself off: " + direct);
        } finally {
            transport.send(NODE, "PUT", "api/v1/logging", "{\"enabled\":false}", TIMEOUT).get(20, TimeUnit.SECONDS);
        }
        assertFalse(JSON.readTree(get(nodeDirect.resolve("api/v1/logging"))).path("enabled").asBoolean());
    }

    @Test
    void theQueryStreamIsStreamedNotBuffered() throws Exception {
        AtomicReference<ServerSentEvents.Event> first = new AtomicReference<>();
        try (StreamResponse s = transport.stream(NODE, "api/v1/queries/stream", TIMEOUT).get(20, TimeUnit.SECONDS)) {
            assertEquals(200, s.status());
            // The stream never ends by itself: an event read here came through while the response was still open.
            assertTimeoutPreemptively(TIMEOUT, () -> {
                try {
                    ServerSentEvents.read(s.body(), e -> {
                        first.set(e);
                        throw new FirstEvent();
                    });
                } catch (FirstEvent expected) {
                    return;
                }
                throw new AssertionError("the stream ended before its first event");
            });
        }
        assertNotNull(first.get());
        assertEquals("logging", first.get().type(), first.get().toString());
        assertTrue(JSON.readTree(first.get().data()).has("enabled"), first.get().data());
    }

    @Test
    void aCallerWithoutCredentialsIsRefused() throws Exception {
        try (KubernetesClient anonymous = client(null)) {
            NodeResponse r = new PodProxyTransport(anonymous).send(NODE, "GET", "api/v1/node", null, TIMEOUT)
                    .get(20, TimeUnit.SECONDS);
            assertEquals(401, r.status(), r.body());
        }
        try (KubernetesClient wrong = client("someone-else")) {
            NodeResponse r = new PodProxyTransport(wrong).send(NODE, "PUT", "api/v1/logging", "{\"enabled\":true}",
                    TIMEOUT).get(20, TimeUnit.SECONDS);
            assertEquals(401, r.status(), r.body());
        }
        assertFalse(JSON.readTree(get(nodeDirect.resolve("api/v1/logging"))).path("enabled").asBoolean(),
                "the refused PUT never reached the node");
    }

    @Test
    void theProxyUrlNamesNamespacePodAndPort() {
        assertEquals(apiServer.url() + "api/v1/namespaces/kube-system/pods/node-local-dns-x7k2p:8080/proxy/"
                + "api/v1/stats?window=5m", transport.proxyUri(NODE, "/api/v1/stats?window=5m"));
    }

    private static final class FirstEvent extends RuntimeException {
        FirstEvent() {
            super(null, null, false, false);
        }
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), uri + ": " + r.body());
        return r.body();
    }
}
