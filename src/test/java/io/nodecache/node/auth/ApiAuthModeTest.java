package io.nodecache.node.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.authority.DemoZones;
import io.nodecache.http.RawHttp;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/** Which check a node chooses at start, and the starts it refuses, naming the properties. */
class ApiAuthModeTest {

    @ParameterizedTest(name = "api-auth={0} token={1} file={2} cluster={3} address={4}: {5}")
    @CsvSource(nullValues = "-", value = {
            "-,          -,  -,     false, -,         NONE",
            "-,          -,  -,     false, 127.0.0.1, NONE",
            "-,          -,  -,     false, ::1,       NONE",
            "-,          s3, -,     false, 0.0.0.0,   TOKEN",
            "-,          -,  /t,    false, 0.0.0.0,   TOKEN",
            "-,          -,  -,     true,  -,         KUBERNETES",
            "-,          s3, -,     true,  -,         KUBERNETES",
            "kubernetes, -,  -,     false, 127.0.0.1, KUBERNETES",
            "token,      s3, -,     true,  -,         TOKEN",
            "none,       s3, -,     false, 127.0.0.1, NONE"})
    void decides(String auth, String token, String file, boolean cluster, String address, ApiAuthMode expected) {
        assertEquals(expected, ApiAuthMode.decide(props(auth, token, file), env(cluster, address)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "no check on every address     | -     | -  | -  | 0.0.0.0   | nodecache.api-token",
            "no check on a pod address     | -     | -  | -  | 10.1.2.3  | server.address=10.1.2.3",
            "asked for none, not loopback  | none  | s3 | -  | 0.0.0.0   | nodecache.api-token-file",
            "token mode without one        | token | -  | -  | -         | nodecache.api-auth=token needs",
            "two tokens                    | -     | s3 | /t | -         | both set",
            "a mode nobody knows           | oidc  | -  | -  | -         | nodecache.api-auth: expected"})
    void refuses(String why, String auth, String token, String file, String address, String message) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ApiAuthMode.decide(props(auth, token, file), env(false, address)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void withNothingConfiguredTheWebPortBindsLoopbackAlone() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                AuthNode node = AuthNode.start(upstream, List.of(), c -> {})) {
            Connector connector = ((TomcatWebServer) ((ServletWebServerApplicationContext) node.context)
                    .getWebServer()).getTomcat().getConnector();
            assertEquals(InetAddress.getLoopbackAddress(), connector.getProperty("address"));
            assertEquals(200, node.call("GET", "/api/v1/logging", Map.of()).status(), "and answers without a token");
        }
    }

    @Test
    void withoutACheckOnlyALoopbackHostIsAnswered() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                AuthNode node = AuthNode.start(upstream, List.of(), c -> {})) {
            InetSocketAddress web = new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port);
            for (String host : List.of("127.0.0.1:" + node.port, "localhost", "[::1]:" + node.port)) {
                assertEquals(200, RawHttp.exchange(web, RawHttp.request("GET", "/api/v1/logging", host, null), false)
                        .status(), host);
            }
            // A page at rebound.example whose name now resolves to 127.0.0.1, switching the query log: refused
            // before it reaches the API, and X-Forwarded-Host cannot talk it round.
            RawHttp rebound = RawHttp.exchange(web, RawHttp.request("PUT", "/api/v1/logging",
                    "rebound.example:" + node.port, "{\"enabled\":true}"), false);
            assertEquals(403, rebound.status(), rebound.body());
            assertTrue(rebound.body().contains("loopback host name"), rebound.body());
            assertEquals(403, RawHttp.exchange(web, RawHttp.request("GET", "/", "rebound.example", null,
                    "X-Forwarded-Host: localhost"), false).status());
            assertEquals(2, node.denied("forbidden"));
            assertEquals(false, node.context.getBean(io.nodecache.querylog.LoggingSwitch.class).state().enabled(),
                    "the switch did not move");
        }
    }

    @Test
    void aNodeOnEveryAddressWithoutACheckDoesNotStart() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start()) {
            Exception e = assertThrows(Exception.class,
                    () -> AuthNode.start(upstream, List.of("--server.address=0.0.0.0"), c -> {}).close());
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertTrue(root.getMessage().contains("nodecache.api-token or nodecache.api-token-file"), root.getMessage());
        }
    }

    private static NodeAuthProperties props(String auth, String token, String file) {
        return new NodeAuthProperties(auth, null, token, file == null ? null : Path.of(file));
    }

    private static MockEnvironment env(boolean cluster, String address) {
        MockEnvironment env = new MockEnvironment();
        if (cluster) {
            env.setProperty("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        }
        if (address != null) {
            env.setProperty("server.address", address);
        }
        return env;
    }
}
