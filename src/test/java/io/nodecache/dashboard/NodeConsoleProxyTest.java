package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.transport.ServerSentEvents;
import io.nodecache.node.browser.StdoutTee;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node's console through the dashboard, {@code /nodes/NAME/}: the page links under the prefix, its API and its
 * live stream pass through (the stream as it comes, not buffered), its logging switch goes through the dashboard's
 * audited toggle, and nothing but the console's own paths passes.
 */
class NodeConsoleProxyTest {

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static int nodePort;
    static int web;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static StdoutTee stdout;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        nodePort = node.webPort();
        stdout = StdoutTee.install();
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=http://127.0.0.1:" + nodePort);
        web = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() throws Exception {
        stdout.uninstall();
        dashboard.close();
        node.close();
        upstream.close();
    }

    @Test
    void theConsolePageLinksUnderThePrefixAndItsFilesAndApiPassThrough() throws Exception {
        HttpResponse<String> page = get("/nodes/n1/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("/nodes/n1/frontend/js/header.js"), "links under the prefix");
        assertTrue(page.body().contains("data-api=\"/nodes/n1/api/v1\""), page.body());
        HttpResponse<String> js = get("/nodes/n1/frontend/js/api.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("export async function getJson"));
        HttpResponse<String> api = get("/nodes/n1/api/v1/node");
        assertEquals(200, api.statusCode());
        assertTrue(api.body().contains("\"dns\":[\"127.0.0.1:"), api.body());
        assertEquals(302, get("/nodes/n1").statusCode());
    }

    @Test
    void onlyTheConsolesOwnPathsPass() throws Exception {
        assertEquals(404, get("/nodes/n1/actuator/prometheus").statusCode());
        assertEquals(404, get("/nodes/n1/actuator/env").statusCode());
        assertEquals(404, get("/nodes/elsewhere/").statusCode());
    }

    @Test
    void theConsolesSwitchIsTheDashboardsAuditedToggle() throws Exception {
        int mark = stdout.mark();
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web + "/nodes/n1/api/v1/logging")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true,\"duration\":\"1m\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        HttpResponse<String> onNode = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + nodePort + "/api/v1/logging")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(onNode.body().contains("\"enabled\":true"), onNode.body());
        assertTrue(stdout.linesSince(mark).stream().anyMatch(l -> l.contains("audit") && l.contains("node n1")
                && l.contains("(node console)")), "audited: " + stdout.linesSince(mark));
    }

    @Test
    void theLiveStreamPassesThroughAsItComes() throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web + "/nodes/n1/api/v1/queries/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        CompletableFuture<ServerSentEvents.Event> first = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                ServerSentEvents.read(r.body(), first::complete);
            } catch (Exception ignored) {
                // closed below
            }
        });
        t.setDaemon(true);
        t.start();
        try {
            // The node sends the switch's state at once and then holds the stream open: only a proxy that passes
            // bytes as they come delivers it.
            assertEquals("logging", first.get(5, TimeUnit.SECONDS).type());
        } finally {
            r.body().close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
