package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.http.RawHttp;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/**
 * The node's web port under a DaemonSet surge: two whole nodes (DNS, API, console) on one web port with
 * {@code nodecache.web-reuse-port}, each telling its name on {@code GET /api/v1/node}; without it the second fails
 * to start on the port.
 */
class NodeWebReusePortTest {

    private static final Pattern NODE = Pattern.compile("\"node\"\\s*:\\s*\"([^\"]*)\"");

    private static TestUpstream upstream;

    @BeforeAll
    static void upstream() {
        upstream = TestUpstream.builder().start();
    }

    @AfterAll
    static void close() {
        upstream.close();
    }

    /** A node named {@code name} on web port {@code port} (null: a free one); {@code reusePort} null: the default. */
    private static TestNode node(String name, Integer port, Boolean reusePort) {
        List<String> args = new ArrayList<>(List.of("--NODE_NAME=" + name, "--server.port=" + (port == null ? 0 : port)));
        if (reusePort != null) {
            args.add("--nodecache.web-reuse-port=" + reusePort);
        }
        return TestNode.start(upstream, List.of(), args);
    }

    private static String nodeName(int port) throws Exception {
        RawHttp r = RawHttp.get(new InetSocketAddress("127.0.0.1", port), "/api/v1/node");
        assertEquals(200, r.status(), r.body());
        Matcher m = NODE.matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }

    @Test
    void twoNodesServeOneWebPortAndTheSurvivorAlone() throws Exception {
        TestNode old = node("old-node", null, true);
        try (TestNode surge = node("new-node", old.webPort(), true)) {
            int port = old.webPort();
            assertEquals(port, surge.webPort());
            assertInstanceOf(ReusePortNioProtocol.class, connector(surge).getProtocolHandler());
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200 && seen.size() < 2; i++) {
                seen.add(nodeName(port));
            }
            assertEquals(Set.of("old-node", "new-node"), seen);
            old.close();
            for (int i = 0; i < 30; i++) {
                assertEquals("new-node", nodeName(port));
            }
        } finally {
            old.close();
        }
    }

    @Test
    void withoutReusePortASecondNodeOnTheWebPortFailsToStart() {
        // The default on a laptop: no host networking, so no SO_REUSEPORT.
        try (TestNode first = node("first-node", null, null)) {
            assertEquals(Http11NioProtocol.class, connector(first).getProtocolHandler().getClass());
            RuntimeException e = assertThrows(RuntimeException.class, () -> node("second-node", first.webPort(), null));
            assertTrue(causes(e, BindException.class), () -> "not a bind failure: " + e);
            assertEquals("first-node", uncheckedNodeName(first.webPort()));
        }
    }

    /** On with node-cache's host networking flags (either spelling), off otherwise; an explicit setting wins. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # properties                                                     | reuse port
            ''                                                               | false
            nodecache.setupiptables=true                                     | true
            nodecache.setupinterface=true                                    | true
            setupiptables=true                                               | true
            setupinterface=true,setupiptables=true                           | true
            nodecache.setupiptables=true,nodecache.web-reuse-port=false      | false
            nodecache.web-reuse-port=true                                    | true
            setupiptables=false                                              | false
            """)
    void theDefaultFollowsHostNetworking(String properties, boolean expected) {
        MockEnvironment env = new MockEnvironment();
        for (String p : properties.isEmpty() ? new String[0] : properties.split(",")) {
            String[] kv = p.split("=", 2);
            env.setProperty(kv[0], kv[1]);
        }
        NodeProperties node = NodeCacheFlags.apply(Binder.get(env).bindOrCreate("nodecache", NodeProperties.class),
                env);
        assertEquals(expected, NodeWebConfiguration.webReusePort(env, node));
    }

    private static Connector connector(TestNode node) {
        return ((TomcatWebServer) ((WebServerApplicationContext) node.context()).getWebServer()).getTomcat()
                .getConnector();
    }

    private static String uncheckedNodeName(int port) {
        try {
            return nodeName(port);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean causes(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
