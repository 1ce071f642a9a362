package io.nodecache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A real node with a real upstream, real dnsjava queries and a real scrape of {@code /metrics} on the Corefile's
 * {@code prometheus} address: CoreDNS's names, labels and buckets, and counts that match the queries sent.
 */
class CoreDnsMetricsTest {

    private static final String ZONE = "cluster.local.";
    private static final String SERVICE = "kubernetes.default.svc.cluster.local.";
    private static final String MISSING = "nope.default.svc.cluster.local.";

    private TestUpstream upstream;
    private MetricsNode node;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        node = new MetricsNode("""
                cluster.local:0 {
                    errors
                    cache {
                        success 9984 30
                        denial 9984 5
                    }
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                    prometheus 127.0.0.1:0
                }
                """.formatted(upstream.port()));
    }

    @AfterEach
    void stop() {
        node.close();
        upstream.close();
    }

    @Test
    void requestsResponsesAndDurationsCarryCoreDnsLabels() throws Exception {
        assertEquals(Rcode.NOERROR, node.query(SERVICE, Type.A, false).getRcode());
        assertEquals(Rcode.NOERROR, node.query(SERVICE, Type.A, false).getRcode());
        assertEquals(Rcode.NXDOMAIN, node.query(MISSING, Type.A, false).getRcode());
        assertEquals(Rcode.NOERROR, node.query(SERVICE, Type.AAAA, true).getRcode());
        String server = node.server();

        Exposition m = Exposition.scrapeUntil(node.metricsUrl(),
                e -> e.value("coredns_dns_requests_total", "server", server) >= 4);

        String[] udpA = {"server", server, "zone", ZONE, "view", "", "proto", "udp", "family", "1", "type", "A"};
        assertEquals(3, m.value("coredns_dns_requests_total", udpA), m.text());
        assertEquals(1, m.value("coredns_dns_requests_total", "server", server, "zone", ZONE, "proto", "tcp",
                "family", "1", "type", "AAAA"));
        assertEquals(4, m.value("coredns_dns_requests_total", "server", server));
        assertEquals(1, m.value("coredns_dns_responses_total", "server", server, "zone", ZONE, "view", "",
                "rcode", "NXDOMAIN", "plugin", "forward"));
        assertEquals(1, m.value("coredns_dns_responses_total", "rcode", "NOERROR", "plugin", "cache"));
        assertEquals(2, m.value("coredns_dns_responses_total", "rcode", "NOERROR", "plugin", "forward"));

        // CoreDNS's plugin.TimeBuckets: ExponentialBuckets(0.00025, 2, 16), 0.00025 .. 8.192, then +Inf.
        Map<String, String> a = Map.of("server", server, "zone", ZONE, "view", "", "type", "A");
        assertEquals(3, m.value("coredns_dns_request_duration_seconds_count", a));
        for (String le : new String[] {"2.5E-4", "0.001", "0.064", "1.024", "8.192", "+Inf"}) {
            assertFalse(Double.isNaN(m.value("coredns_dns_request_duration_seconds_bucket", merge(a, "le", le))),
                    "bucket le=" + le + " in\n" + m.text());
        }
        assertEquals(3, m.value("coredns_dns_request_duration_seconds_bucket", merge(a, "le", "+Inf")));
        assertEquals(16 + 1, m.series("coredns_dns_request_duration_seconds_bucket").stream()
                .filter(l -> "A".equals(l.get("type"))).count());
        assertEquals(3, m.value("coredns_dns_request_size_bytes_count", "server", server, "proto", "udp"),
                m.text());
        assertTrue(m.value("coredns_dns_response_size_bytes_sum", "server", server, "proto", "tcp") > 12);
    }

    @Test
    void cacheHitsMissesAndEntriesPerStore() throws Exception {
        node.query(SERVICE, Type.A, false);
        node.query(SERVICE, Type.A, false);
        node.query(MISSING, Type.A, false);
        node.query(MISSING, Type.A, false);
        String server = node.server();
        String[] labels = {"server", server, "zones", ZONE, "view", ""};

        Exposition m = Exposition.scrape(node.metricsUrl());

        assertEquals(4, m.value("coredns_cache_requests_total", labels), m.text());
        assertEquals(2, m.value("coredns_cache_misses_total", labels));
        assertEquals(1, m.value("coredns_cache_hits_total", merge(labels, "type", "success")));
        assertEquals(1, m.value("coredns_cache_hits_total", merge(labels, "type", "denial")));
        assertEquals(1, m.value("coredns_cache_entries", merge(labels, "type", "success")));
        assertEquals(1, m.value("coredns_cache_entries", merge(labels, "type", "denial")));
        assertEquals(0, m.value("coredns_cache_evictions_total", merge(labels, "type", "success")));
        for (String name : new String[] {"coredns_cache_prefetch_total", "coredns_cache_served_stale_total",
            "coredns_cache_drops_total"}) {
            assertEquals(0, m.value(name, labels), name);
        }
    }

    @Test
    void forwardCountsEachUpstreamAttemptByRcode() throws Exception {
        node.query(SERVICE, Type.A, false);
        node.query(MISSING, Type.A, false);
        node.query(SERVICE, Type.A, false);
        String to = "127.0.0.1:" + upstream.port();

        Exposition m = Exposition.scrape(node.metricsUrl());

        assertEquals(2, m.value("coredns_forward_requests_total", "to", to), m.text());
        assertEquals(1, m.value("coredns_forward_responses_total", "to", to, "rcode", "NOERROR"));
        assertEquals(1, m.value("coredns_forward_responses_total", "to", to, "rcode", "NXDOMAIN"));
        assertEquals(1, m.value("coredns_forward_request_duration_seconds_bucket", "to", to, "rcode", "NXDOMAIN",
                "le", "+Inf"));
        assertFalse(Double.isNaN(m.value("coredns_forward_request_duration_seconds_bucket", "to", to,
                "le", "2.5E-4")));
        assertEquals(0, m.value("coredns_forward_healthcheck_broken_total"));
        assertEquals(0, m.value("coredns_forward_max_concurrent_rejects_total"));
    }

    @Test
    void everyAnsweredUdpAttemptIsTimedStageByStage() throws Exception {
        node.query(SERVICE, Type.A, false);
        node.query(MISSING, Type.A, false);
        node.query(SERVICE, Type.A, false); // a hit: no attempt

        Exposition m = Exposition.scrape(node.metricsUrl());

        for (String stage : new String[] {"handoff", "socket", "upstream"}) {
            assertEquals(2, m.value("nodecache_forward_udp_stage_seconds_count", "stage", stage), m.text());
            assertEquals(2, m.value("nodecache_forward_udp_stage_seconds_bucket", "stage", stage, "le", "+Inf"));
            double sum = m.value("nodecache_forward_udp_stage_seconds_sum", "stage", stage);
            assertTrue(sum > 0 && sum < 1, stage + " took " + sum + " s");
        }
    }

    @Test
    void inFlightGaugesFollowTheForwardsThatSetMaxConcurrent() throws Exception {
        node.close();
        node = new MetricsNode("""
                cluster.local:0 {
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d {
                        max_concurrent 50
                    }
                    prometheus 127.0.0.1:0
                }
                """.formatted(upstream.port()));
        Exposition idle = Exposition.scrape(node.metricsUrl());
        assertEquals(0, idle.value("nodecache_forward_inflight_peak"), idle.text());

        assertEquals(Rcode.NOERROR, node.query(SERVICE, Type.A, false).getRcode());
        assertEquals(Rcode.NXDOMAIN, node.query(MISSING, Type.A, false).getRcode());

        // the slot is released on the forwarder's thread just after the answer leaves: wait for it
        Exposition m = Exposition.scrapeUntil(node.metricsUrl(), e -> e.value("nodecache_forward_inflight") == 0);
        assertEquals(0, m.value("nodecache_forward_inflight"), m.text());
        assertEquals(1, m.value("nodecache_forward_inflight_peak"), "one query at a time");
        assertEquals(0, m.value("coredns_forward_max_concurrent_rejects_total"));
    }

    @Test
    void nodecacheSeriesAndReloadFailures() throws Exception {
        node.reloadFailures.set(2);
        Exposition m = Exposition.scrape(node.metricsUrl());

        assertEquals(2, m.value("coredns_reload_failed_total"), m.text());
        assertEquals(0, m.value("nodecache_query_logging_enabled"));
        for (String name : new String[] {"nodecache_events_lost_total", "nodecache_search_chains_total",
            "nodecache_search_wasted_queries_total", "nodecache_malformed_dropped_total", "nodecache_formerr_total",
            "nodecache_refused_no_zone_total", "nodecache_handler_errors_total", "coredns_panics_total",
            "nodecache_tcp_truncated_total"}) {
            assertEquals(0, m.value(name), name);
        }
        for (String transport : new String[] {"udp", "tcp"}) {
            assertEquals(0, m.value("nodecache_malformed_dropped_total", "transport", transport), transport);
            assertEquals(0, m.value("nodecache_formerr_total", "transport", transport), transport);
        }
        node.logging.enable(java.time.Duration.ofMinutes(1), null);
        assertEquals(1, Exposition.scrape(node.metricsUrl()).value("nodecache_query_logging_enabled"));
    }

    @Test
    void queriesNoBlockServesAreCountedUnderZoneDropped() throws Exception {
        assertEquals(Rcode.REFUSED, node.query("www.example.", Type.A, false).getRcode());
        String server = node.server();

        Exposition m = Exposition.scrapeUntil(node.metricsUrl(),
                e -> e.value("coredns_dns_requests_total", "zone", "dropped") >= 1);

        assertEquals(1, m.value("coredns_dns_requests_total", "server", server, "zone", "dropped"), m.text());
        assertEquals(1, m.value("coredns_dns_responses_total", "zone", "dropped", "rcode", "REFUSED", "plugin", ""));
        assertEquals(1, m.value("nodecache_refused_no_zone_total"));
    }

    @Test
    void cacheCountersSurviveAReloadThatReplacesTheCache() throws Exception {
        node.query(SERVICE, Type.A, false);
        node.query(SERVICE, Type.A, false);
        String server = node.server();

        node.apply("""
                cluster.local:0 {
                    cache 60
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                    prometheus 127.0.0.1:0
                }
                """.formatted(upstream.port()));
        node.query(SERVICE, Type.A, false);
        Exposition m = Exposition.scrape(node.metricsUrl());

        String[] labels = {"server", server, "zones", ZONE};
        assertEquals(3, m.value("coredns_cache_requests_total", labels), m.text());
        assertEquals(2, m.value("coredns_cache_misses_total", labels));
        assertEquals(1, m.value("coredns_cache_entries", merge(labels, "type", "success")));
    }

    private static Map<String, String> merge(Map<String, String> base, String key, String value) {
        Map<String, String> out = new java.util.LinkedHashMap<>(base);
        out.put(key, value);
        return out;
    }

    private static Map<String, String> merge(String[] pairs, String key, String value) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        out.put(key, value);
        return out;
    }
}
