package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Regression: an event stream never ends by itself, so a browser following the dashboard, or a dashboard following
 * a node, held that context's graceful shutdown for its whole timeout (30 s): a node pod took 30 s to stop while a
 * dashboard watched it. Both now end their streams before the web server starts waiting.
 */
class OpenStreamsDoNotHoldShutdownTest {

    /** Well under the 30 s graceful-shutdown timeout a held stream would cost. */
    static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void dashboardAndNodeStopPromptlyWithStreamsOpen() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().start()) {
            TestNode testNode = TestNode.start(upstream, "log");
            ConfigurableApplicationContext node = testNode.context();
            int nodePort = testNode.webPort();
            ConfigurableApplicationContext dashboard = DashboardApplication.run("--server.port=0",
                    "--nodecache.dashboard.discovery=static",
                    "--nodecache.dashboard.nodes=n1=http://127.0.0.1:" + nodePort,
                    "--nodecache.dashboard.refresh=200ms");
            int web = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
            HttpClient http = HttpClient.newHttpClient();
            try {
                // The merged stream needs the node listed, which the first refresh does.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web
                        + "/api/v1/cluster/nodes/n1")).build(), HttpResponse.BodyHandlers.ofString()).body()
                        .contains("\"state\":\"ready\"") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                InputStream merged = open(http, "http://127.0.0.1:" + web + "/api/v1/cluster/queries/stream");
                InputStream overview = open(http, "http://127.0.0.1:" + web + "/api/v1/cluster/events");
                InputStream console = open(http, "http://127.0.0.1:" + web + "/nodes/n1/api/v1/queries/stream");
                InputStream direct = open(http, "http://127.0.0.1:" + nodePort + "/api/v1/queries/stream");
                assertTrue(merged.read() >= 0 && overview.read() >= 0 && console.read() >= 0 && direct.read() >= 0,
                        "every stream sent its first bytes");

                long t0 = System.nanoTime();
                dashboard.close();
                Duration dashboardStop = Duration.ofNanos(System.nanoTime() - t0);
                t0 = System.nanoTime();
                node.close();
                Duration nodeStop = Duration.ofNanos(System.nanoTime() - t0);

                assertTrue(dashboardStop.compareTo(BOUND) < 0, "the dashboard took " + dashboardStop + " to stop");
                assertTrue(nodeStop.compareTo(BOUND) < 0, "the node took " + nodeStop + " to stop");
                assertEquals(-1, drain(direct), "the node ended its stream");
            } finally {
                dashboard.close();
                testNode.close();
            }
        }
    }

    private static InputStream open(HttpClient http, String url) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    private static int drain(InputStream in) {
        try {
            while (in.read() >= 0) {
                // Reads what was still buffered; a stream that ended returns -1.
            }
            return -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
