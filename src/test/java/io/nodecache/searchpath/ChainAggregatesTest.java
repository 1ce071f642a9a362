package io.nodecache.searchpath;

import static io.nodecache.searchpath.ChainEvents.external;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-client and per-name tallies, worst offenders, the recent ring, and their bounds. */
class ChainAggregatesTest {

    @Test
    void talliesPerClientAndPerName() {
        ChainDetector d = new ChainDetector();
        ChainEvents.run(d, external(0, "10.0.0.1", "www.google.com", "default")
                + external(100, "10.0.0.1", "WWW.Google.com", "default")
                + external(200, "10.0.0.2", "www.google.com", "shop")
                + """
                300 10.0.0.2 kubernetes.default.shop.svc.cluster.local. A NXDOMAIN
                301 10.0.0.2 kubernetes.default.svc.cluster.local.      A NOERROR
                400 10.0.0.2 nosuch.shop.svc.cluster.local.             A NXDOMAIN
                401 10.0.0.2 nosuch.svc.cluster.local.                  A NXDOMAIN
                402 10.0.0.2 nosuch.cluster.local.                      A NXDOMAIN
                403 10.0.0.2 nosuch.                                    A NXDOMAIN
                """);
        assertEquals(5, d.chainsSeen());
        assertEquals(3 + 3 + 3 + 1 + 3, d.wastedQueries());

        Map<String, ChainStats> clients = d.byClient();
        assertEquals(List.of("10.0.0.2", "10.0.0.1"), List.copyOf(clients.keySet()), "most recent first");
        ChainStats two = clients.get("10.0.0.2");
        assertEquals(3, two.chains());
        assertEquals(1, two.allFailed());
        assertEquals(7, two.wastedQueries());
        assertEquals(7 / 3.0, two.meanWastedQueries(), 1e-9);
        assertEquals(Instant.ofEpochMilli(ChainEvents.EPOCH + 400 - 1), two.lastSeen());
        ChainStats one = clients.get("10.0.0.1");
        assertEquals(2, one.chains());
        assertEquals(3.0, one.meanWastedQueries(), 1e-9);
        assertEquals(Duration.ofMillis(2 * 3), one.wastedTime(), "3 ms from first query to the as-given one, twice");

        Map<String, ChainStats> names = d.byName();
        assertEquals(3, names.get("www.google.com").chains(), "names are case-insensitive");
        assertEquals(9, names.get("www.google.com").wastedQueries());
        assertEquals(1, names.get("kubernetes.default").chains());

        assertEquals(List.of("10.0.0.2", "10.0.0.1"), d.topOffenders(5).stream().map(ChainStats::key).toList());
        assertEquals(List.of("10.0.0.2"), d.topOffenders(1).stream().map(ChainStats::key).toList());
        assertEquals(List.of("www.google.com", "nosuch", "kubernetes.default"),
                d.topNames(3).stream().map(ChainStats::key).toList());
    }

    @Test
    void evictsTheLeastRecentlySeenClientAndName() {
        ChainDetector d = new ChainDetector("cluster.local.", Duration.ofSeconds(2), 2, 10);
        ChainEvents.run(d, external(0, "10.0.0.1", "a.example", "default")
                + external(10, "10.0.0.2", "b.example", "default")
                + external(20, "10.0.0.1", "a.example", "default")
                + external(30, "10.0.0.3", "c.example", "default"));
        assertEquals(List.of("10.0.0.3", "10.0.0.1"), List.copyOf(d.byClient().keySet()));
        assertEquals(List.of("c.example", "a.example"), List.copyOf(d.byName().keySet()));
        assertEquals(2, d.byClient().get("10.0.0.1").chains());
    }

    @Test
    void recentChainsIsABoundedRingNewestFirst() {
        ChainDetector d = new ChainDetector("cluster.local.", Duration.ofSeconds(2), 100, 3);
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            script.append(external(i * 10L, "10.0.0.1", "n" + i + ".example", "default"));
        }
        ChainEvents.run(d, script.toString());
        assertEquals(List.of("n4.example", "n3.example", "n2.example"),
                d.recentChains(10).stream().map(SearchChain::baseName).toList());
        assertEquals(List.of("n4.example"), d.recentChains(1).stream().map(SearchChain::baseName).toList());
        assertEquals(List.of(), new ChainDetector().recentChains(5));
    }
}
