package io.nodecache.searchpath;

import static io.nodecache.searchpath.ChainEvents.external;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Completed chains live on as pooled records that the recent ring overwrites and the detector reuses, and per-name
 * tallies are found through a cache; none of that may show in what listeners, the recent ring or the tallies say.
 */
class ChainRecordReuseTest {

    private static final int CHAINS = 60;

    /** One of four chain shapes per {@code i}, each complete on its own, from one of seven clients. */
    private static String chain(int i) {
        long t = i * 100L;
        String client = "10.0.0." + (i % 7 + 1);
        String base = "n" + i % 11 + ".example";
        String ns = new String[] {"default", "shop", "kube-system"}[i % 3];
        return switch (i % 4) {
            case 0 -> external(t, client, base, ns);
            case 1 -> t + " " + client + " " + base + "." + ns + ".svc.cluster.local. A NXDOMAIN\n"
                    + (t + 1) + " " + client + " " + base + ".svc.cluster.local. A NOERROR 0.5\n";
            case 2 -> t + " " + client + " " + base + "." + ns + ".svc.cluster.local. AAAA NXDOMAIN\n"
                    + (t + 1) + " " + client + " " + base + ".svc.cluster.local. AAAA NXDOMAIN\n"
                    + (t + 2) + " " + client + " " + base + ".cluster.local. AAAA NXDOMAIN\n"
                    + (t + 9) + " " + client + " " + base + ". AAAA NXDOMAIN 6\n";
            default -> t + " " + client + " " + base + "." + ns + ".svc.cluster.local. A NXDOMAIN\n"
                    + t + " " + client + " " + base + "." + ns + ".svc.cluster.local. AAAA NXDOMAIN\n"
                    + (t + 1) + " " + client + " " + base + ".svc.cluster.local. A NXDOMAIN\n"
                    + (t + 1) + " " + client + " " + base + ".svc.cluster.local. AAAA NXDOMAIN\n"
                    + (t + 40) + " " + client + " " + base + ".svc.cluster.local. AAAA NXDOMAIN\n"
                    + (t + 41) + " " + client + " " + base + ".cluster.local. A NXDOMAIN\n"
                    + (t + 41) + " " + client + " " + base + ".cluster.local. AAAA NXDOMAIN\n"
                    + (t + 60) + " " + client + " " + base + ". AAAA NOERROR 18\n"
                    + (t + 61) + " " + client + " " + base + ". A NOERROR 19\n";
        };
    }

    @Test
    void reusedRecordsReportWhatAFreshDetectorReports() {
        StringBuilder script = new StringBuilder();
        List<SearchChain> expected = new ArrayList<>();
        for (int i = 0; i < CHAINS; i++) {
            script.append(chain(i));
            expected.addAll(ChainEvents.run(new ChainDetector(), chain(i)));
        }
        ChainDetector d = new ChainDetector("cluster.local.", Duration.ofSeconds(2), 100, 4);
        List<SearchChain> published = ChainEvents.run(d, script.toString());

        assertEquals(CHAINS, expected.size());
        assertEquals(expected, published, "listeners");
        assertEquals(List.of(expected.get(59), expected.get(58), expected.get(57), expected.get(56)),
                d.recentChains(10), "the ring, after its records went round the pool many times");
    }

    @Test
    void withoutARingListenersAndTalliesStillSeeEveryChain() {
        ChainDetector d = new ChainDetector("cluster.local.", Duration.ofSeconds(2), 100, 0);
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            script.append(chain(i));
        }
        List<SearchChain> published = ChainEvents.run(d, script.toString());
        assertEquals(8, published.size());
        assertEquals(List.of(), d.recentChains(5));
        assertEquals(8, d.chainsSeen());
        assertEquals(published.stream().mapToLong(SearchChain::wastedQueries).sum(), d.wastedQueries());
        assertEquals(published.get(3), ChainEvents.run(new ChainDetector(), chain(3)).get(0));
    }

    @Test
    void aNameSeenAgainAfterItsTallyWasEvictedStartsAFreshTally() {
        ChainDetector d = new ChainDetector("cluster.local.", Duration.ofSeconds(2), 2, 10);
        ChainEvents.run(d, external(0, "10.0.0.1", "a.example", "default")
                + external(10, "10.0.0.1", "A.Example", "default")
                + external(20, "10.0.0.1", "b.example", "default")
                + external(30, "10.0.0.1", "c.example", "default")
                + external(40, "10.0.0.1", "a.example", "default"));
        Map<String, ChainStats> names = d.byName();
        assertEquals(List.of("a.example", "c.example"), List.copyOf(names.keySet()));
        assertEquals(1, names.get("a.example").chains());
        assertEquals(3, names.get("a.example").wastedQueries());
    }

    @Test
    void namesAreCaseInsensitiveBeyondAscii() {
        ChainDetector d = new ChainDetector();
        ChainEvents.run(d, external(0, "10.0.0.1", "bücher.example", "default")
                + external(10, "10.0.0.1", "BÜCHER.example", "default")
                + external(20, "10.0.0.1", "Bücher.Example", "default"));
        Map<String, ChainStats> names = d.byName();
        assertEquals(List.of("bücher.example"), List.copyOf(names.keySet()));
        assertEquals(3, names.get("bücher.example").chains());
    }
}
