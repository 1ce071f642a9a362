package io.nodecache.searchpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.event.QueryEvent;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Detecting, tallying and keeping chains allocates nothing once the detector has met its clients and names: on a
 * node it sees every NXDOMAIN at the query rate, and whatever it allocated per chain was promoted by the recent ring
 * and the tallies, then collected by full GCs.
 */
class ChainDetectorAllocationTest {

    private static final int CLIENTS = 50;
    private static final int ROUNDS = 40;

    @Test
    void steadyStateDetectionAllocatesNothing() {
        List<QueryEvent> events = stream();
        ChainDetector d = new ChainDetector("cluster.local.", ChainDetector.DEFAULT_WINDOW,
                ChainDetector.DEFAULT_MAX_TRACKED, 256);
        for (int pass = 0; pass < 3; pass++) { // meets every client and name, fills the ring and the pool
            feed(d, events);
        }

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        mx.getThreadAllocatedBytes(id); // the first call may set things up
        long seen = d.chainsSeen();
        long before = mx.getThreadAllocatedBytes(id);
        for (int pass = 0; pass < 5; pass++) {
            feed(d, events);
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;

        long chains = d.chainsSeen() - seen;
        assertEquals(5L * CLIENTS * ROUNDS, chains);
        // Nothing in the path allocates; the slack is for the measuring calls themselves. Before records, each chain
        // cost ~1.9 kB (strings, lists, durations, a SearchChain), so one chain's worth over 10,000 would fail.
        assertTrue(allocated < 1024, allocated + " bytes for " + chains + " chains, " + 5 * events.size() + " events");
    }

    private static void feed(ChainDetector d, List<QueryEvent> events) {
        for (QueryEvent e : events) {
            d.onEvent(e);
        }
        // event time restarts with the list: close what is open first, as the benchmark does
        d.tick(Long.MAX_VALUE / 2);
    }

    /** Per round, every client looks up one name (glibc, A and AAAA), interleaved with lone hits; names repeat. */
    private static List<QueryEvent> stream() {
        List<QueryEvent> out = new ArrayList<>();
        long t = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int step = 0; step < 4; step++) {
                for (int c = 0; c < CLIENTS; c++) {
                    String client = "10.244.0." + (c + 2);
                    String base = "ext" + (round * 7 + c) % 30 + ".example.org";
                    String name = switch (step) {
                        case 0 -> base + ".default.svc.cluster.local.";
                        case 1 -> base + ".svc.cluster.local.";
                        case 2 -> base + ".cluster.local.";
                        default -> base + ".";
                    };
                    int rcode = step == 3 ? Rcode.NOERROR : Rcode.NXDOMAIN;
                    out.add(ChainEvents.event(t, client, name, Type.A, rcode, 40_000));
                    out.add(ChainEvents.event(t, client, "api" + c + ".example.com.", Type.A, Rcode.NOERROR, 40_000));
                    out.add(ChainEvents.event(t, client, name, Type.AAAA, rcode, 40_000));
                    t++;
                }
            }
        }
        return out;
    }
}
