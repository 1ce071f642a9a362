package io.nodecache.dashboard.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.pods.PodRef;
import io.nodecache.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster's chains by pod and name: windows, caps, attribution, expiry; and the fix it suggests. */
class ChainHistoryTest {

    final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    final MutableClock clock = new MutableClock(t0);
    final ChainHistory history = new ChainHistory(clock);
    final PodRef frontend = new PodRef("default", "frontend-1", "node-a", false);

    ClusterChain chain(PodRef pod, String ip, Instant start, String base, int wasted, String answeredAs, String kind) {
        return new ClusterChain("node-a", ip, pod, pod == null ? "shop" : pod.namespace(), start, wasted, 1_000_000L,
                answeredAs == null, base, answeredAs, kind, "{\"baseName\":\"" + base + "\"}");
    }

    @Test
    void ranksPodsByWastedQueriesWithinTheWindow() {
        history.add(chain(frontend, "10.0.0.5", t0.minus(Duration.ofMinutes(30)), "www.example", 6, "www.example.",
                "AS_GIVEN"));
        history.add(chain(null, "10.0.0.9", t0.minus(Duration.ofMinutes(2)), "cart.shop", 2,
                "cart.shop.svc.cluster.local.", "SERVICE"));
        history.add(chain(frontend, "10.0.0.5", t0.minus(Duration.ofMinutes(1)), "api.example", 6, "api.example.",
                "AS_GIVEN"));

        List<ChainHistory.PodRow> hour = history.pods(Duration.ofHours(1), null, 10);
        assertEquals(2, hour.size());
        assertEquals("frontend-1", hour.get(0).pod());
        assertEquals(12, hour.get(0).wastedQueries());
        assertEquals("/pods/default/frontend-1", hour.get(0).link());
        assertNull(hour.get(1).pod(), "an IP with no pod is listed by its IP");
        assertEquals("shop", hour.get(1).namespace(), "with the namespace its search list revealed");
        assertEquals("/clients/10.0.0.9", hour.get(1).link());

        List<ChainHistory.PodRow> fiveMinutes = history.pods(Duration.ofMinutes(5), null, 10);
        assertEquals(6, fiveMinutes.stream().filter(r -> "frontend-1".equals(r.pod())).findFirst().orElseThrow()
                .wastedQueries(), "only the chain inside the window");
        assertEquals(1, history.pods(Duration.ofHours(1), "shop", 10).size());
    }

    @Test
    void keepsOnlyTheNewestChainsOfAPodButCountsAll() {
        for (int i = 0; i < 50; i++) {
            history.add(chain(frontend, "10.0.0.5", t0.minusSeconds(50 - i), "www.example", 3, "www.example.",
                    "AS_GIVEN"));
        }
        ChainHistory.PodDetail d = history.pod("default/frontend-1", Duration.ofHours(1), 10).orElseThrow();
        assertEquals(ChainHistory.CHAINS_PER_OWNER, d.chains().size());
        assertEquals(t0.minusSeconds(1), d.chains().get(0).start(), "newest first");
        assertEquals(50, d.row().chains());
        assertEquals(150, d.row().wastedQueries());
    }

    @Test
    void forgetsWhatIsOlderThanAnHour() {
        history.add(chain(frontend, "10.0.0.5", t0, "www.example", 3, "www.example.", "AS_GIVEN"));
        clock.advance(Duration.ofMinutes(62));
        history.expire();
        assertTrue(history.pods(Duration.ofHours(1), null, 10).isEmpty());
        assertTrue(history.pod("default/frontend-1", Duration.ofHours(1), 10).isEmpty());
        assertEquals(0, history.owners());
    }

    @Test
    void topNamesCountPodsAcrossTheCluster() {
        PodRef other = new PodRef("shop", "cart-1", "node-b", false);
        history.add(chain(frontend, "10.0.0.5", t0, "www.example", 6, "www.example.", "AS_GIVEN"));
        history.add(chain(other, "10.0.0.6", t0, "www.example", 6, "www.example.", "AS_GIVEN"));
        history.add(chain(other, "10.0.0.6", t0, "cart", 0, "cart.shop.svc.cluster.local.", "NAMESPACE"));
        List<ChainHistory.NameRow> names = history.names(Duration.ofHours(1), null, 10);
        assertEquals("www.example", names.get(0).name());
        assertEquals(12, names.get(0).wastedQueries());
        assertEquals(2, names.get(0).pods());
        assertEquals(1, history.names(Duration.ofHours(1), "shop", 10).get(0).pods());
    }

    @Test
    void theFixLowersNdotsToTheExternalNamesAndListsTheirFqdns() {
        FixSuggestion fix = FixSuggestion.from(List.of(
                new ChainHistory.NameRow("api.svc.example", 3, 18, 1, "api.svc.example.", "AS_GIVEN"),
                new ChainHistory.NameRow("www.example", 3, 18, 1, "www.example.", "AS_GIVEN"),
                new ChainHistory.NameRow("kubernetes.default", 2, 4, 1,
                        "kubernetes.default.svc.cluster.local.", "SERVICE")));
        assertEquals(1, fix.ndots());
        assertTrue(fix.dnsConfig().contains("- name: ndots\n      value: \"1\""), fix.dnsConfig());
        assertEquals(List.of("api.svc.example.", "www.example.", "kubernetes.default.svc.cluster.local."),
                fix.fqdns());
        assertTrue(fix.explanation().contains("kubernetes.default"), "warns about the in-cluster name");

        FixSuggestion inClusterOnly = FixSuggestion.from(List.of(new ChainHistory.NameRow("kubernetes.default", 2, 4,
                1, "kubernetes.default.svc.cluster.local.", "SERVICE")));
        assertNull(inClusterOnly.ndots(), "a lower ndots would not help a name answered inside the cluster");
        assertEquals(List.of("kubernetes.default.svc.cluster.local."), inClusterOnly.fqdns());
    }

    @Test
    void theChainTextKeptIsBoundedWhateverTheClusterDoesAndCountsStayExact() {
        String text = "x".repeat(1500);
        int pods = 30_000;
        for (int i = 0; i < pods; i++) {
            PodRef p = new PodRef("ns", "pod-" + i, "node-a", false);
            history.add(new ClusterChain("node-a", "10.1." + (i / 250) + "." + (i % 250), p, "ns",
                    t0.minusSeconds(i % 600), 3, 1000, false, "www.example", "www.example.", "AS_GIVEN", text));
        }
        assertTrue(history.storedChars() <= ChainHistory.MAX_STORED_CHARS, "kept " + history.storedChars());
        assertTrue(history.storedChars() > ChainHistory.MAX_STORED_CHARS / 2, "and uses its budget");
        // The oldest pods' chains went, the newest are kept; every pod's counts stay.
        assertTrue(history.pod("ns/pod-0", Duration.ofHours(1), 5).orElseThrow().chains().isEmpty());
        assertEquals(1, history.pod("ns/pod-" + (pods - 1), Duration.ofHours(1), 5).orElseThrow().chains().size());
        assertEquals(3, history.pod("ns/pod-0", Duration.ofHours(1), 5).orElseThrow().row().wastedQueries());
        assertEquals(3L * pods, history.total(Duration.ofHours(1)).wasted());
    }
}
