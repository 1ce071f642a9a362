package io.nodecache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counting an event allocates nothing once its series exist: the dispatcher's per-query cost is a few stores. */
class RequestMetricsAllocationTest {

    private static final int EVENTS = 10_000;

    @Test
    void countingAnEventAllocatesNothing() throws Exception {
        RequestMeters meters = new RequestMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        meters.route(Map.of("cluster.local.", "dns://:53", ".", "dns://:53"), "dns://:53");
        TestEvent[] events = new TestEvent[8];
        InetAddress v4 = InetAddress.getByName("10.244.0.7");
        InetAddress v6 = InetAddress.getByName("fd00::7");
        for (int i = 0; i < events.length; i++) {
            TestEvent e = new TestEvent(i % 3 == 0 ? v6 : v4);
            e.qtype = i % 2 == 0 ? 1 : 28;
            e.zone = i % 4 == 3 ? "nowhere." : "cluster.local.";
            e.transport = i == 5 ? Transport.TCP : Transport.UDP;
            e.outcome = i % 2 == 0 ? CacheOutcome.HIT : CacheOutcome.MISS;
            e.forwarded = e.outcome == CacheOutcome.MISS;
            e.rcode = i == 6 ? 3 : 0;
            e.dnssecOk = i == 2;
            e.durationNanos = 40_000L << i;
            e.responseSize = 60 << i;
            events[i] = e;
        }
        for (int i = 0; i < 50_000; i++) { // registers every series, and warms the code up
            meters.onRaw(events[i & 7]);
        }

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        long measuring = mx.getThreadAllocatedBytes(id) - before; // what asking costs, if anything
        before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < EVENTS; i++) {
            meters.onRaw(events[i & 7]);
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before - measuring;

        assertEquals(0, allocated, allocated + " bytes for " + EVENTS + " events");
    }
}
