package io.nodecache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.upstream.ForwardListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardMeters}' plain counters scrape exactly as Micrometer's counters and timers did
 * ({@link MicrometerForwardMeters}), and count every callback when the UDP and TCP loops call back at once.
 */
class ForwardMetricsExpositionTest {

    @Test
    void plainCountersScrapeAsMicrometersMetersDid() throws Exception {
        PrometheusMeterRegistry plainRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry micrometerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ForwardListener both = ForwardListeners.of(new ForwardMeters(plainRegistry),
                new MicrometerForwardMeters(micrometerRegistry));
        InetSocketAddress[] upstreams = {new InetSocketAddress("10.96.0.10", 53),
            new InetSocketAddress("fd00::53", 53), new InetSocketAddress("127.0.0.1", 5300)};
        long[] rtts = {0, 250_000, 250_001, 8_192_000_000L, 8_192_000_001L};
        SplittableRandom rnd = new SplittableRandom(3);
        both.onHealthcheckFailure(upstreams[2]); // an upstream seen first by its health check
        for (int i = 0; i < 2000; i++) {
            InetSocketAddress u = upstreams[rnd.nextInt(2)];
            switch (rnd.nextInt(20)) {
                case 0 -> both.onFailure(u, new IOException("timeout"));
                case 1 -> both.onHealthcheckFailure(u);
                case 2 -> both.onHealthcheckBroken();
                case 3 -> both.onMaxConcurrentRejected();
                default -> both.onAnswer(u, rnd.nextBoolean(), rnd.nextInt(5) == 0 ? rnd.nextInt(24) : 0,
                        rnd.nextInt(4) == 0 ? rtts[rnd.nextInt(rtts.length)] : rnd.nextLong(40_000_000));
            }
        }

        String expected = forwardLines(scrape(micrometerRegistry));
        assertTrue(expected.contains("coredns_forward_request_duration_seconds_max{"), expected);
        assertTrue(expected.contains("coredns_forward_healthcheck_failures_total{to=\"127.0.0.1:5300\"} 1.0"),
                expected);
        assertEquals(expected, forwardLines(scrape(plainRegistry)));
    }

    @Test
    void droppedMismatchesAreCountedPerUpstream() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ForwardMeters meters = new ForwardMeters(registry);
        InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", 5300);
        meters.onAnswer(upstream, false, 0, 1_000_000);
        String before = scrape(registry);
        assertTrue(before.contains("nodecache_forward_mismatched_total{to=\"127.0.0.1:5300\"} 0.0"), before);
        for (int i = 0; i < 7; i++) {
            meters.onMismatch(upstream);
        }
        String after = scrape(registry);
        assertTrue(after.contains("nodecache_forward_mismatched_total{to=\"127.0.0.1:5300\"} 7.0"), after);
        assertTrue(after.contains("coredns_forward_requests_total{to=\"127.0.0.1:5300\"} 1.0"),
                "a dropped packet is no request");
    }

    @Test
    void theUdpAndTcpLoopsCallingBackAtOnceLoseNoCount() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ForwardMeters meters = new ForwardMeters(registry);
        InetSocketAddress upstream = new InetSocketAddress("10.96.0.10", 53);
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] loops = new Thread[2];
        for (int t = 0; t < loops.length; t++) {
            boolean tcp = t == 1;
            loops[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    meters.onAnswer(upstream, tcp, 0, 100_000 + i);
                }
            });
            loops[t].start();
        }
        start.countDown();
        for (Thread t : loops) {
            t.join();
        }

        Exposition m = Exposition.parse(scrape(registry));
        double total = 2.0 * perThread;
        assertEquals(total, m.value("coredns_forward_requests_total", "to", "10.96.0.10:53"), m.text());
        assertEquals(total, m.value("coredns_forward_responses_total", "rcode", "NOERROR"));
        assertEquals(total, m.value("coredns_forward_request_duration_seconds_count", "rcode", "NOERROR"));
        assertEquals((100_000 + perThread - 1) / 1e9, m.value("coredns_forward_request_duration_seconds_max"));
    }

    /** The registry's exposition as served on a Corefile's {@code prometheus} address. */
    private static String scrape(PrometheusMeterRegistry registry) throws Exception {
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), registry).start()) {
            return Exposition.scrape(server.address()).text();
        }
    }

    private static String forwardLines(String exposition) {
        return exposition.lines().filter(l -> l.contains("coredns_forward_")).collect(Collectors.joining("\n"));
    }
}
