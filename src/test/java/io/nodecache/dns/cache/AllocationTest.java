package io.nodecache.dns.cache;

import static io.nodecache.dns.cache.CacheHarness.edns;
import static io.nodecache.dns.cache.CacheHarness.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.Responder;
import io.nodecache.dns.server.Transport;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The hit path allocates nothing: every byte of a cached answer is written into the exchange's reused buffer. */
class AllocationTest {

    private static final int HITS = 10_000;

    private final long[] sent = new long[1];

    @Test
    void aHitAllocatesNothing() {
        CacheHarness h = new CacheHarness(CacheHarness.config()
                .prefetch(10, java.time.Duration.ofMinutes(1), 10).build());
        Responder counting = (ex, buf, len) -> sent[0] += len;
        Exchange[] exchanges = new Exchange[4];
        String[] names = {"www.example.", "WwW.ExAmPlE.", "api.example.", "x.y.z.example."};
        for (int i = 0; i < exchanges.length; i++) {
            byte[] wire = (i % 2 == 0 ? query(names[i]) : edns(query(names[i]), 1232, false)).toWire();
            exchanges[i] = Exchange.of(wire, wire.length, CacheHarness.CLIENT, Transport.UDP, counting, null);
            h.stage.handle(exchanges[i]); // fills (or hits, for the second spelling of www)
        }
        for (int i = 0; i < 50_000; i++) {
            h.stage.handle(exchanges[i & 3]);
        }
        assertEquals(CacheOutcome.HIT, exchanges[0].outcome());

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < HITS; i++) {
            h.stage.handle(exchanges[i & 3]);
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;

        assertEquals(3, h.upstream.calls);
        assertTrue(allocated / (double) HITS < 16, allocated + " bytes for " + HITS + " hits");
        assertTrue(sent[0] > 0);
    }
}
