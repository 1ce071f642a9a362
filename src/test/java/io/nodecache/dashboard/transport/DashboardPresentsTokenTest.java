package io.nodecache.dashboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard with the shared token (docker-compose's setting) over a real node that checks it, through the direct
 * transport: the refresh, the logging toggle and the console pass-through ({@code /nodes/NAME/}: page, rows, the
 * live stream) all present it; a dashboard without it gets the node's 401.
 */
class DashboardPresentsTokenTest {

    static final String TOKEN = "demo-only-shared-token";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static ConfigurableApplicationContext withoutToken;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        node = TestNode.start(upstream, List.of(), List.of("--nodecache.api-token=" + TOKEN,
                "--server.address=127.0.0.1", "--NODE_NAME=n1"));
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=" + node.url(), "--nodecache.api-token=" + TOKEN,
                "--nodecache.dashboard.refresh=300ms");
        withoutToken = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=" + node.url(), "--nodecache.dashboard.refresh=300ms");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {withoutToken, dashboard, node, upstream}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void theRefreshTheToggleAndTheConsolePresentTheToken() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode n;
        do {
            n = JSON.readTree(get(dashboard, "/api/v1/cluster").body()).path("nodes").path(0);
            if (n.path("state").asString().equals("ready")) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals("ready", n.path("state").asString(), n.toString());

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(uri(dashboard, "/api/v1/cluster/nodes/n1/logging"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":false}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());

        HttpResponse<String> page = get(dashboard, "/nodes/n1/");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("/nodes/n1/frontend/js/header.js"), "the console's own page");
        assertEquals(200, get(dashboard, "/nodes/n1/api/v1/queries").statusCode());
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(
                uri(dashboard, "/nodes/n1/api/v1/queries/stream")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = stream.body()) {
            assertEquals(200, stream.statusCode());
            assertTrue(new String(in.readNBytes(6), StandardCharsets.UTF_8).startsWith("event:"));
        }
    }

    @Test
    void withoutTheTokenTheNodeSays401() throws Exception {
        HttpResponse<String> r = get(withoutToken, "/nodes/n1/api/v1/queries");
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("missing", JSON.readTree(r.body()).path("reason").asString(), r.body());
    }

    private static URI uri(ConfigurableApplicationContext app, String path) {
        return URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path);
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(app, path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
