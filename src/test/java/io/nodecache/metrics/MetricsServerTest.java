package io.nodecache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.http.RawHttp;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CoreDNS's {@code prometheus} endpoint over real sockets, and two nodes' metrics servers on one port. */
class MetricsServerTest {

    /** A registry whose scrape says which node it is. */
    private static PrometheusMeterRegistry node(String name) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("test_node", "node", name).increment();
        return registry;
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # method | path        | status | content type                                | body contains
            GET      | /metrics    | 200    | text/plain; version=0.0.4; charset=utf-8     | test_node_total{node="a"} 1.0
            GET      | /metrics?x  | 200    | text/plain; version=0.0.4; charset=utf-8     | test_node_total{node="a"} 1.0
            HEAD     | /metrics    | 200    | text/plain; version=0.0.4; charset=utf-8     | ''
            # should fail
            POST     | /metrics    | 405    | text/plain; charset=utf-8                    | method not allowed
            DELETE   | /metrics    | 405    | text/plain; charset=utf-8                    | method not allowed
            GET      | /metrics/   | 404    | text/plain; charset=utf-8                    | not found
            """)
    void answersAsCoreDnsPrometheus(String method, String path, int status, String type, String contains)
            throws Exception {
        try (MetricsServer m = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), node("a")).start()) {
            RawHttp r = RawHttp.send(m.address(), method, path);
            assertEquals(status, r.status());
            assertEquals(type, r.header("Content-Type"));
            assertTrue(r.body().contains(contains), r.body());
            if (method.equals("HEAD")) {
                assertEquals("", r.body());
            }
        }
    }

    /** A surge pod's node binds the old node's metrics port; the survivor is scraped alone once the old one closes. */
    @Test
    void twoNodesShareTheMetricsPort() throws Exception {
        MetricsServer old = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), node("old")).start();
        try (MetricsServer surge = new MetricsServer(old.address(), node("new")).start()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200 && seen.size() < 2; i++) {
                seen.add(nodeOf(RawHttp.get(old.address(), "/metrics").body()));
            }
            assertEquals(Set.of("old", "new"), seen);
            old.close();
            for (int i = 0; i < 50; i++) {
                assertEquals("new", nodeOf(RawHttp.get(surge.address(), "/metrics").body()));
            }
        } finally {
            old.close();
        }
    }

    private static String nodeOf(String exposition) {
        return exposition.lines().filter(l -> l.startsWith("test_node_total{")).findFirst().orElseThrow()
                .replaceAll(".*node=\"([^\"]*)\".*", "$1");
    }
}
