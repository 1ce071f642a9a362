package io.nodecache.dashboard.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.transport.NodeTarget;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The static list against the discovery contract, and its parser's errors. */
class StaticDiscoveryTest extends NodeDiscoveryContract {

    @Override
    Fixture newFixture() {
        return new StaticFixture();
    }

    /** Nodes are given before the list is parsed; nothing changes afterwards. */
    static final class StaticFixture implements Fixture {

        private final Map<String, String> urls = new LinkedHashMap<>();
        private NodeDiscovery discovery;

        @Override
        public void startNodePod(String node) {
            if (discovery != null) {
                throw new UnsupportedOperationException("a static list does not change");
            }
            urls.put(node, "http://127.0.0.1:" + (9000 + urls.size()) + "/");
        }

        @Override
        public void markReady(String node, boolean ready) {
            throw new UnsupportedOperationException("a static list does not change");
        }

        @Override
        public void deletePod(String node) {
            throw new UnsupportedOperationException("a static list does not change");
        }

        @Override
        public void advance(Duration d) {
            throw new UnsupportedOperationException("a static list has no clock");
        }

        @Override
        public boolean supportsChanges() {
            return false;
        }

        @Override
        public NodeDiscovery discovery() {
            if (discovery == null) {
                StringBuilder spec = new StringBuilder();
                // Spaces and an empty entry, as a hand-written property has them.
                urls.forEach((name, url) -> spec.append(" ").append(name).append('=').append(url).append(" ,"));
                discovery = StaticDiscovery.parse(spec + ",");
                discovery.start();
            }
            return discovery;
        }

        @Override
        public NodeTarget expectedTarget(String node) {
            return NodeTarget.direct(node, URI.create(urls.get(node)));
        }

        @Override
        public String kind() {
            return "static";
        }

        @Override
        public void close() {
            if (discovery != null) {
                discovery.close();
            }
        }
    }

    @Test
    void aUrlWithoutTrailingSlashGetsOne() {
        NodeTarget t = StaticDiscovery.parse("a=http://10.0.0.1:8080").nodes().get(0).target();
        assertEquals(URI.create("http://10.0.0.1:8080/"), t.baseUri());
        assertEquals("http://10.0.0.1:8080/api/v1/node", t.baseUri().resolve("api/v1/node").toString());
    }

    @Test
    void emptyOrNullSpecMeansNoNodes() {
        assertEquals(0, StaticDiscovery.parse(null).nodes().size());
        assertEquals(0, StaticDiscovery.parse(" , ").nodes().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "node-a                                 | node-a",
            "=http://10.0.0.1:8080                  | =http://10.0.0.1:8080",
            "node-a=ftp://10.0.0.1/                 | node-a",
            "node-a=10.0.0.1:8080                   | node-a",
            "node-a=http://10.0.0.1 x               | node-a",
            "node-a=http://10.0.0.1,node-a=http://10.0.0.2 | node-a",
            "ok=http://10.0.0.1,node-b              | node-b"})
    void parseErrorsNameTheEntry(String spec, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StaticDiscovery.parse(spec));
        assertTrue(e.getMessage().contains("'" + named), e.getMessage());
        assertTrue(e.getMessage().startsWith("nodecache.dashboard.nodes"), e.getMessage());
    }
}
