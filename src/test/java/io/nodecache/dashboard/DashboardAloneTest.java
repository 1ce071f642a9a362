package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard role alone: no DNS node in its context (no listener, no node bean), its API and readiness answer,
 * and a bad property stops the start naming it.
 */
class DashboardAloneTest {

    @Test
    void startsWithoutAnyDnsListenerAndServesItsApi() throws Exception {
        try (ConfigurableApplicationContext dashboard = DashboardApplication.run("--server.port=0",
                "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes=")) {
            assertEquals(0, dashboard.getBeanNamesForType(io.nodecache.dns.runtime.NodeRuntime.class).length);
            assertTrue(dashboard.getBeansOfType(org.springframework.context.SmartLifecycle.class).keySet().stream()
                    .noneMatch(n -> n.equals("dnsLifecycle")));
            int port = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> cluster = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, cluster.statusCode(), cluster.body());
            assertTrue(cluster.body().contains("\"discovery\":\"static\""), cluster.body());
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/cluster/nodes/nowhere")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("nowhere"), missing.body());
        }
    }

    @Test
    void aBadStaticListStopsTheStartNamingTheEntry() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> DashboardApplication.run(
                "--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=good=http://127.0.0.1:1,broken"));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("'broken'"), root.getMessage());
    }
}
