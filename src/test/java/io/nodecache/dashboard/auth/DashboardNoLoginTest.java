package io.nodecache.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.http.RawHttp;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.ConnectException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The default, {@code none}: no login, so the web port binds 127.0.0.1 alone (another loopback address cannot even
 * connect), a script's PUT works as the README's curl does, a browser's cross-site change and a foreign
 * {@code Host} (DNS rebinding) are refused, and a non-loopback address stops the start naming the properties.
 */
class DashboardNoLoginTest {

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static int port;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=" + node.url());
        port = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        node.close();
        upstream.close();
    }

    @Test
    void bindsLoopbackAloneAndAScriptMaySwitch() throws Exception {
        assertEquals("127.0.0.1", dashboard.getEnvironment().getProperty("server.address"));
        // 127.0.0.2 is this machine too, but not where the port is bound.
        try (java.net.Socket s = new java.net.Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(new java.net.InetSocketAddress("127.0.0.2", port),
                    2000));
        }
        Web web = new Web(port);
        assertEquals("{\"user\":\"anonymous\",\"role\":\"operator\",\"authenticatedBy\":\"none (loopback)\","
                + "\"mayToggleLogging\":true}", web.get("/api/v1/cluster/me").body());
        var on = web.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON);
        assertEquals(200, on.statusCode(), on.body());
        assertTrue(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        assertEquals(200, web.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_OFF).statusCode());
    }

    @Test
    void aCrossSiteChangeWithoutTheTokenIsRefused() throws Exception {
        for (String[] marks : new String[][] {{"Origin", "http://evil.example"}, {"Sec-Fetch-Site", "cross-site"},
            {"Referer", "http://evil.example/page"}}) {
            var r = new Web(port).put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON, marks);
            assertEquals(403, r.statusCode(), marks[0] + ": " + r.body());
            assertTrue(r.body().contains("CSRF token"), r.body());
        }
        var console = new Web(port).put("/nodes/n1/api/v1/logging", Web.LOGGING_ON, "Origin", "http://evil.example");
        assertEquals(403, console.statusCode());
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        // The page's own script, with the cookie's token, passes.
        Web browser = new Web(port);
        assertEquals(200, browser.get("/", "Accept", "text/html").statusCode());
        var ok = browser.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_OFF, "Origin",
                "http://127.0.0.1:" + port, "X-XSRF-TOKEN", browser.csrfCookie());
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void aForeignHostNameIsRefused() throws Exception {
        String rebound = Web.raw("127.0.0.1", port, RawHttp.request("GET", "/api/v1/cluster", "attacker.example:"
                + port, null));
        assertEquals(403, Web.status(rebound), rebound);
        assertTrue(rebound.contains("answers only to a loopback host name"), rebound);
        String forwardedHost = Web.raw("127.0.0.1", port, RawHttp.request("GET", "/api/v1/cluster",
                "attacker.example", null, "X-Forwarded-Host: localhost"));
        assertEquals(403, Web.status(forwardedHost), forwardedHost);
        for (String host : new String[] {"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port}) {
            assertEquals(200, Web.status(Web.raw("127.0.0.1", port, RawHttp.request("GET", "/api/v1/cluster", host,
                    null))), host);
        }
    }

    @Test
    void noneOnANonLoopbackAddressStopsTheStart() {
        for (String mode : new String[] {null, "none"}) {
            String message = DashboardLoginTest.rootMessage(assertThrows(Exception.class, () ->
                    DashboardApplication.run(args(mode))));
            assertTrue(message.startsWith("nodecache.dashboard.auth.mode=none (the default) serves the dashboard"
                    + " without a login, so only on loopback, but server.address=0.0.0.0 is not a loopback address:"
                    + " set nodecache.dashboard.auth.mode=login"), message);
        }
    }

    private static String[] args(String mode) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
                "--server.address=0.0.0.0", "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes="));
        if (mode != null) {
            a.add("--nodecache.dashboard.auth.mode=" + mode);
        }
        return a.toArray(String[]::new);
    }
}
