package io.nodecache.searchpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Web requests read snapshots while the dispatcher thread feeds events. */
class ChainSnapshotConcurrencyTest {

    private static final int CLIENTS = 200;
    private static final int CHAINS = 4000;

    @Test
    void snapshotsAreConsistentWhileEventsArrive() throws Exception {
        ChainDetector d = new ChainDetector();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch fed = new CountDownLatch(1);
        Thread dispatcher = new Thread(() -> {
            try {
                long t = 0;
                for (int i = 0; i < CHAINS; i++) {
                    String ip = "10.0." + (i % CLIENTS / 250) + "." + (i % CLIENTS + 1);
                    String base = "svc" + (i % 50) + ".example";
                    for (String name : List.of(base + ".default.svc.cluster.local.", base + ".svc.cluster.local.",
                            base + ".cluster.local.")) {
                        d.onEvent(ChainEvents.event(t, ip, name, Type.A, Rcode.NXDOMAIN, 1000));
                        d.onEvent(ChainEvents.event(t, ip, name, Type.AAAA, Rcode.NXDOMAIN, 1000));
                    }
                    d.onEvent(ChainEvents.event(t, ip, base + ".", Type.A, Rcode.NOERROR, 1000));
                    d.onEvent(ChainEvents.event(t++, ip, base + ".", Type.AAAA, Rcode.NOERROR, 1000));
                }
            } catch (Throwable e) {
                failures.add(e);
            } finally {
                fed.countDown();
            }
        }, "dispatcher");
        Runnable reader = () -> {
            try {
                long seen = 0;
                while (fed.getCount() > 0) {
                    long now = d.chainsSeen();
                    assertTrue(now >= seen, "chainsSeen never goes back");
                    seen = now;
                    List<SearchChain> recent = d.recentChains(50);
                    assertTrue(recent.size() <= 50);
                    recent.forEach(c -> assertEquals(6, c.wastedQueries()));
                    Map<String, ChainStats> clients = d.byClient();
                    assertTrue(clients.size() <= CLIENTS);
                    clients.values().forEach(s -> assertEquals(6.0, s.meanWastedQueries(), 1e-9));
                    d.byName().values().forEach(s -> assertEquals(6 * s.chains(), s.wastedQueries()));
                    List<ChainStats> top = d.topOffenders(10);
                    for (int i = 1; i < top.size(); i++) {
                        assertTrue(top.get(i - 1).wastedQueries() >= top.get(i).wastedQueries());
                    }
                    d.topNames(5);
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        };
        Thread r1 = new Thread(reader, "reader-1");
        Thread r2 = new Thread(reader, "reader-2");
        r1.start();
        r2.start();
        dispatcher.start();
        assertTrue(fed.await(30, TimeUnit.SECONDS));
        r1.join(10_000);
        r2.join(10_000);
        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(CHAINS, d.chainsSeen());
        assertEquals(CHAINS, d.byClient().values().stream().mapToLong(ChainStats::chains).sum());
        assertEquals(CLIENTS, d.byClient().size());
        assertEquals(6L * CHAINS, d.wastedQueries());
    }

}
