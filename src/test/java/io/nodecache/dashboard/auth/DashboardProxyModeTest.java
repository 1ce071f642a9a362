package io.nodecache.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.http.RawHttp;
import io.nodecache.node.browser.StdoutTee;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code proxy} mode over real sockets: the proxy is 127.0.0.1, anyone else (127.0.0.2, the same machine's other
 * loopback address) is refused whatever headers it sends — a forged {@code X-Forwarded-For} naming the proxy
 * included, though {@code server.forward-headers-strategy=framework} makes Spring answer {@code getRemoteAddr()} from
 * it. From the proxy: a request without the user header is refused, the groups give the role.
 */
class DashboardProxyModeTest {

    static final String PROXY = "127.0.0.1";
    static final String ELSEWHERE = "127.0.0.2";

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static StdoutTee stdout;
    static int port;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        stdout = StdoutTee.install();
        dashboard = DashboardApplication.run("--server.port=0", "--server.address=0.0.0.0",
                "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes=n1=" + node.url(),
                "--nodecache.dashboard.auth.mode=proxy", "--nodecache.dashboard.auth.trusted-proxies=" + PROXY + "/32",
                "--nodecache.dashboard.auth.user-header=X-Auth-Request-User",
                "--nodecache.dashboard.auth.groups-header=X-Auth-Request-Groups",
                "--nodecache.dashboard.auth.operator-groups=dns-admins",
                "--nodecache.dashboard.auth.viewer-groups=developers,sre");
        port = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        stdout.uninstall();
        dashboard.close();
        node.close();
        upstream.close();
    }

    @BeforeEach
    void loggingOff() throws Exception {
        new Web(node.webPort()).put("/api/v1/logging", Web.LOGGING_OFF);
    }

    static String from(String address, String method, String path, String body, String... headers)
            throws Exception {
        return Web.raw(address, port, RawHttp.request(method, path, "dashboard.example", body, headers));
    }

    @Test
    void theProxysUserAndGroupsDecideTheRole() throws Exception {
        String viewer = from(PROXY, "GET", "/api/v1/cluster/me", null, "X-Auth-Request-User: vic",
                "X-Auth-Request-Groups: developers,oncall");
        assertEquals(200, Web.status(viewer), viewer);
        assertTrue(viewer.contains("{\"user\":\"vic\",\"role\":\"viewer\",\"authenticatedBy\":\"proxy\","
                + "\"mayToggleLogging\":false}"), viewer);
        String denied = from(PROXY, "PUT", "/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                "X-Auth-Request-User: vic", "X-Auth-Request-Groups: developers");
        assertEquals(403, Web.status(denied), denied);
        assertTrue(denied.contains("only operators may switch query logging; vic is a viewer"), denied);
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));

        int mark = stdout.mark();
        String op = from(PROXY, "PUT", "/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                "X-Auth-Request-User: olga", "X-Auth-Request-Groups: sre, dns-admins",
                "X-Forwarded-For: 203.0.113.9");
        assertEquals(200, Web.status(op), op);
        assertTrue(op.contains("\"enabled\":true"), op);
        assertTrue(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        assertTrue(stdout.linesSince(mark).stream().anyMatch(l -> l.contains("dashboard audit")
                && l.contains("from olga (operator, proxy) at 127.0.0.1 (forwarded for 203.0.113.9): node reports")),
                stdout.linesSince(mark).toString());

        String nobody = from(PROXY, "GET", "/api/v1/cluster", null, "X-Auth-Request-User: mallory",
                "X-Auth-Request-Groups: marketing");
        assertEquals(403, Web.status(nobody), nobody);
        assertTrue(nobody.contains("mallory is in no group that may use the dashboard"), nobody);
    }

    @Test
    void fromTheProxyWithoutAUserHeaderIsRefused() throws Exception {
        String r = from(PROXY, "GET", "/api/v1/cluster", null);
        assertEquals(401, Web.status(r), r);
        assertTrue(r.contains("no X-Auth-Request-User header"), r);
        // The default header names are not taken for the configured ones.
        String other = from(PROXY, "GET", "/api/v1/cluster", null, "X-Forwarded-User: olga",
                "X-Forwarded-Groups: dns-admins");
        assertEquals(401, Web.status(other), other);
    }

    @Test
    void anyOtherPeerIsRefusedEvenWithAForgedForwardedFor() throws Exception {
        String r = from(ELSEWHERE, "GET", "/api/v1/cluster", null, "X-Auth-Request-User: olga",
                "X-Auth-Request-Groups: dns-admins");
        assertEquals(403, Web.status(r), r);
        assertTrue(r.contains("only through its authenticating proxy"), r);
        for (String forged : new String[] {"X-Forwarded-For: " + PROXY, "Forwarded: for=" + PROXY}) {
            String put = from(ELSEWHERE, "PUT", "/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                    "X-Auth-Request-User: olga", "X-Auth-Request-Groups: dns-admins", forged);
            assertEquals(403, Web.status(put), forged + ": " + put);
        }
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        // Probes come from the kubelet, not the proxy.
        assertEquals(200, Web.status(from(ELSEWHERE, "GET", "/actuator/health/readiness", null)));
        assertEquals(403, Web.status(from(ELSEWHERE, "GET", "/", null)));
    }

    @Test
    void aBrowsersChangeThroughTheProxyNeedsTheCsrfToken() throws Exception {
        String[] operator = {"X-Auth-Request-User: olga", "X-Auth-Request-Groups: dns-admins"};
        String page = from(PROXY, "GET", "/", null, operator);
        assertEquals(200, Web.status(page), page);
        assertTrue(page.contains("olga · operator"), "the header names the proxy's user");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("NODECACHE-DASHBOARD-XSRF=([^;\\r\\n]+)")
                .matcher(page);
        assertTrue(m.find(), "the page sets the CSRF cookie: " + page);
        String token = m.group(1);
        String forged = from(PROXY, "PUT", "/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON, operator[0],
                operator[1], "Origin: https://evil.example");
        assertEquals(403, Web.status(forged), forged);
        assertTrue(forged.contains("CSRF token"), forged);
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        String ok = from(PROXY, "PUT", "/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON, operator[0],
                operator[1], "Origin: https://dashboard.example", "Cookie: NODECACHE-DASHBOARD-XSRF=" + token,
                "X-XSRF-TOKEN: " + token);
        assertEquals(200, Web.status(ok), ok);
    }

    @Test
    void proxyModeNeedsItsTrustedProxies() {
        String message = DashboardLoginTest.rootMessage(org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                        "--nodecache.dashboard.nodes=", "--nodecache.dashboard.auth.mode=proxy")));
        assertTrue(message.startsWith("nodecache.dashboard.auth.trusted-proxies: required"), message);
        message = DashboardLoginTest.rootMessage(org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                        "--nodecache.dashboard.nodes=", "--nodecache.dashboard.auth.mode=proxy",
                        "--nodecache.dashboard.auth.trusted-proxies=10.0.0.0/33")));
        assertTrue(message.startsWith("nodecache.dashboard.auth.trusted-proxies: '10.0.0.0/33' is not"), message);
    }
}
