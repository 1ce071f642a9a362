package io.nodecache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import io.nodecache.querylog.QueryEventListener;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@link RequestMeters}' plain counters scrape exactly as Micrometer's counters, timers and distribution summaries
 * did ({@link MicrometerRequestMeters}): the same events into both, both scraped over HTTP, the same
 * {@code coredns_dns_*} lines, {@code _max} gauges included.
 */
class RequestMetricsExpositionTest {

    private static final Map<String, String> ROUTES = Map.of("cluster.local.", "dns://127.0.0.1:53",
            ".", "dns://:53", "example.", "dns://[::1]:5353");

    @Test
    void plainCountersScrapeAsMicrometersMetersDid() throws Exception {
        List<TestEvent> events = events();
        PrometheusMeterRegistry plainRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry micrometerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RequestMeters plain = new RequestMeters(plainRegistry);
        MicrometerRequestMeters micrometer = new MicrometerRequestMeters(micrometerRegistry);
        plain.route(ROUTES, "dns://127.0.0.1:53");
        micrometer.route(ROUTES, "dns://127.0.0.1:53");
        feed(plain, events.subList(0, events.size() / 2));
        feed(micrometer, events.subList(0, events.size() / 2));
        // a reload that moves a zone to another server and drops one: counts under the old labels stay
        Map<String, String> moved = Map.of("cluster.local.", "dns://127.0.0.1:53", ".", "dns://127.0.0.1:53");
        plain.route(moved, "dns://127.0.0.1:53");
        micrometer.route(moved, "dns://127.0.0.1:53");
        feed(plain, events.subList(events.size() / 2, events.size()));
        feed(micrometer, events.subList(events.size() / 2, events.size()));

        String expected = coreDnsLines(scrape(micrometerRegistry));
        String actual = coreDnsLines(scrape(plainRegistry));
        assertTrue(expected.contains("coredns_dns_request_duration_seconds_max{"), expected);
        assertTrue(expected.contains("coredns_dns_do_requests_total{"), expected);
        assertTrue(expected.contains("zone=\"dropped\""), expected);
        assertEquals(expected, actual);

        String openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        assertEquals(coreDnsLines(micrometerRegistry.scrape(openMetrics)),
                coreDnsLines(plainRegistry.scrape(openMetrics)));
    }

    @Test
    void nothingCountedYetShowsNoCoreDnsSeries() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new RequestMeters(registry).route(ROUTES, "dns://:53");

        assertEquals("", coreDnsLines(scrape(registry)));
    }

    @Test
    void maxForgetsWhatIsOlderThanThreeMinutesAsMicrometersDid() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RequestMeters meters = new RequestMeters(registry);
        meters.route(ROUTES, "dns://:53");
        long now = System.currentTimeMillis();
        TestEvent old = new TestEvent(InetAddress.getLoopbackAddress());
        old.epochMillis = now - Duration.ofSeconds(200).toMillis(); // three minutes ago at least
        old.durationNanos = 9_000_000;
        old.responseSize = 900;
        meters.onRaw(old);

        Exposition m = Exposition.parse(scrape(registry));
        assertEquals(1, m.value("coredns_dns_request_duration_seconds_count", "type", "A"), m.text());
        assertEquals(0, m.value("coredns_dns_request_duration_seconds_max", "type", "A"));
        assertEquals(0, m.value("coredns_dns_response_size_bytes_max", "proto", "udp"));

        TestEvent recent = new TestEvent(InetAddress.getLoopbackAddress());
        recent.epochMillis = now - Duration.ofSeconds(90).toMillis(); // within the window wherever minutes start
        recent.durationNanos = 3_000_000;
        recent.responseSize = 300;
        meters.onRaw(recent);
        TestEvent current = new TestEvent(InetAddress.getLoopbackAddress());
        current.durationNanos = 1_000_000;
        current.responseSize = 100;
        meters.onRaw(current);

        m = Exposition.parse(scrape(registry));
        assertEquals(3, m.value("coredns_dns_request_duration_seconds_count", "type", "A"), m.text());
        assertEquals(0.003, m.value("coredns_dns_request_duration_seconds_max", "type", "A"));
        assertEquals(300, m.value("coredns_dns_response_size_bytes_max", "proto", "udp"));
        assertEquals(1300, m.value("coredns_dns_response_size_bytes_sum", "proto", "udp"));
    }

    @Test
    void aRealNodeCountsDnssecRequestsAndExposesMaxima() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                MetricsNode node = new MetricsNode("""
                        cluster.local:0 {
                            cache 30
                            bind 127.0.0.1
                            forward . 127.0.0.1:%d
                            prometheus 127.0.0.1:0
                        }
                        """.formatted(upstream.port()))) {
            SimpleResolver r = new SimpleResolver(node.dns());
            r.setTimeout(Duration.ofSeconds(3));
            r.setEDNS(0, 1232, ExtendedFlags.DO);
            Message answer = r.send(Message.newQuery(Record.newRecord(
                    Name.fromString("kubernetes.default.svc.cluster.local."), Type.A, DClass.IN)));
            String server = node.server();

            Exposition m = Exposition.scrapeUntil(node.metricsUrl(),
                    e -> e.value("coredns_dns_requests_total", "server", server) >= 1);

            String[] zone = {"server", server, "zone", "cluster.local.", "view", ""};
            assertEquals(1, m.value("coredns_dns_do_requests_total", zone), m.text());
            double max = m.value("coredns_dns_request_duration_seconds_max", "server", server, "type", "A");
            assertTrue(max > 0 && max == m.value("coredns_dns_request_duration_seconds_sum", "server", server),
                    m.text());
            assertEquals(answer.toWire(65535).length,
                    m.value("coredns_dns_response_size_bytes_max", "server", server, "proto", "udp"));
            assertEquals(1, m.value("coredns_dns_request_size_bytes_bucket", "server", server, "proto", "udp",
                    "le", "100.0"));
            assertFalse(Double.isNaN(m.value("coredns_dns_request_size_bytes_bucket", "le", "64000.0")));
        }
    }

    /** Random events over every label value, plus the values that sit on bucket bounds or past them. */
    private static List<TestEvent> events() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        InetAddress[] clients = {InetAddress.getByName("10.244.1.9"), InetAddress.getByName("fd00::9"), null};
        int[] qtypes = {1, 2, 5, 6, 12, 15, 16, 28, 33, 43, 46, 47, 48, 50, 65, 251, 252, 255, 0, 99, 256, 65535};
        String[] zones = {"cluster.local.", ".", "example.", "not-routed."};
        CacheOutcome[] outcomes = {CacheOutcome.HIT, CacheOutcome.PREFETCH, CacheOutcome.STALE, CacheOutcome.MISS,
            CacheOutcome.NONE, null};
        long[] durations = {0, 1, 249_999, 250_000, 250_001, 500_000, 8_192_000_000L, 8_192_000_001L, 60_000_000_000L,
            -1};
        int[] sizes = {0, 12, 100, 101, 511, 512, 8291, 8292, 64000, 64001, 65535};
        List<TestEvent> out = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            TestEvent e = new TestEvent(clients[rnd.nextInt(clients.length)]);
            e.qtype = qtypes[rnd.nextInt(qtypes.length)];
            e.zone = zones[rnd.nextInt(zones.length)];
            e.outcome = outcomes[rnd.nextInt(outcomes.length)];
            e.forwarded = rnd.nextBoolean();
            e.rcode = rnd.nextInt(24);
            e.transport = rnd.nextInt(3) == 0 ? Transport.TCP : Transport.UDP;
            e.dnssecOk = rnd.nextInt(5) == 0;
            e.durationNanos = rnd.nextInt(4) == 0 ? durations[rnd.nextInt(durations.length)]
                    : rnd.nextLong(50_000_000);
            e.requestSize = rnd.nextInt(4) == 0 ? sizes[rnd.nextInt(sizes.length)] : 20 + rnd.nextInt(200);
            e.responseSize = rnd.nextInt(4) == 0 ? sizes[rnd.nextInt(sizes.length)] : 20 + rnd.nextInt(4000);
            out.add(e);
        }
        return out;
    }

    private static void feed(QueryEventListener meters, List<TestEvent> events) {
        events.forEach(meters::onRaw);
    }

    /** The registry's exposition as served on a Corefile's {@code prometheus} address. */
    private static String scrape(PrometheusMeterRegistry registry) throws Exception {
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), registry).start()) {
            return Exposition.scrape(server.address()).text();
        }
    }

    private static String coreDnsLines(String exposition) {
        return exposition.lines().filter(l -> l.contains("coredns_dns_")).collect(Collectors.joining("\n"));
    }
}
