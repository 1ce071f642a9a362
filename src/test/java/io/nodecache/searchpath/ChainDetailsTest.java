package io.nodecache.searchpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.searchpath.SearchChain.Step;
import io.nodecache.searchpath.SearchChain.StepKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** What one chain records (steps, offsets, waste, fix), and when the detector closes it. */
class ChainDetailsTest {

    private static final String GLIBC_EXTERNAL = """
            0  10.0.0.1 www.google.com.default.svc.cluster.local. A    NXDOMAIN
            1  10.0.0.1 www.google.com.default.svc.cluster.local. AAAA NXDOMAIN
            2  10.0.0.1 www.google.com.svc.cluster.local.         A    NXDOMAIN
            3  10.0.0.1 www.google.com.svc.cluster.local.         AAAA NXDOMAIN
            4  10.0.0.1 www.google.com.cluster.local.             A    NXDOMAIN
            5  10.0.0.1 www.google.com.cluster.local.             AAAA NXDOMAIN
            26 10.0.0.1 www.google.com.                           A    NOERROR 20
            47 10.0.0.1 www.google.com.                           AAAA NOERROR 20
            """;

    private final ChainDetector detector = new ChainDetector();
    private final List<SearchChain> published = new ArrayList<>();

    ChainDetailsTest() {
        detector.addListener(published::add);
    }

    private void feed(String script) {
        for (QueryEvent e : ChainEvents.parse(script)) {
            detector.onEvent(e);
        }
    }

    @Test
    void stepsCarryNameKindTypeRcodeDurationAndOffsetFromTheFirstQuery() {
        feed(GLIBC_EXTERNAL);
        SearchChain c = published.get(0);
        List<Step> s = c.steps();
        assertEquals(new Step("www.google.com.default.svc.cluster.local.", StepKind.NAMESPACE, Type.A,
                Rcode.NXDOMAIN, Duration.ofMillis(1), Duration.ZERO, 0), s.get(0));
        assertEquals(new Step("www.google.com.svc.cluster.local.", StepKind.SERVICE, Type.AAAA, Rcode.NXDOMAIN,
                Duration.ofMillis(1), Duration.ofMillis(3), 0), s.get(3));
        assertEquals(StepKind.CLUSTER, s.get(4).kind());
        assertEquals(new Step("www.google.com.", StepKind.AS_GIVEN, Type.AAAA, Rcode.NOERROR,
                Duration.ofMillis(20), Duration.ofMillis(28), 0), s.get(7));
        // the first query started at 0 - 1 ms; the answering A started at 26 - 20 ms
        assertEquals(Instant.ofEpochMilli(ChainEvents.EPOCH - 1), c.start());
        assertEquals(Duration.ofMillis(7), c.wastedTime());
        assertEquals(6, c.answeredStep());
        assertEquals("www.google.com.", c.answeredName());
        assertEquals(List.of(Type.A, Type.AAAA), c.qtypes());
        assertEquals(8, c.totalQueries());
        assertEquals("use the FQDN with a trailing dot: `www.google.com.`; or set dnsConfig.options ndots:2",
                c.suggestedFix());
    }

    @Test
    void publishesAsSoonAsTheAnsweringNameHasEveryType() {
        feed(GLIBC_EXTERNAL.lines().limit(7).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, published.size(), "the AAAA of the answering name is still to come");
        feed("47 10.0.0.1 www.google.com. AAAA NOERROR 20");
        assertEquals(1, published.size());
        assertEquals(0, detector.openChains());
    }

    @Test
    void midwayAnswerSuggestsTheAnsweringFqdnOnly() {
        feed("""
                0 10.0.0.1 kubernetes.default.default.svc.cluster.local. A NXDOMAIN 0.5
                1 10.0.0.1 kubernetes.default.svc.cluster.local.         A NOERROR 0.5
                """);
        SearchChain c = published.get(0);
        assertEquals("use the FQDN with a trailing dot: `kubernetes.default.svc.cluster.local.`", c.suggestedFix());
        assertEquals(Duration.ofMillis(1), c.wastedTime());
        assertEquals(1, c.wastedQueries());
    }

    @Test
    void allFailedSaysTheNameResolvesNowhere() {
        feed("""
                0 10.0.0.1 nosuch.default.svc.cluster.local. A NXDOMAIN
                1 10.0.0.1 nosuch.svc.cluster.local.         A NXDOMAIN
                2 10.0.0.1 nosuch.cluster.local.             A NXDOMAIN
                9 10.0.0.1 nosuch.                           A NXDOMAIN 5
                """);
        SearchChain c = published.get(0);
        assertEquals(-1, c.answeredStep());
        assertNull(c.answeredName());
        assertEquals(3, c.wastedQueries());
        assertEquals(Duration.ofMillis(5), c.wastedTime(), "to the start of the as-given step");
        assertEquals("the name resolves nowhere; check it, or use the FQDN with a trailing dot: `nosuch.`",
                c.suggestedFix());
    }

    @Test
    void idleChainClosesAfterTheWindowInEventTime() {
        feed("""
                0 10.0.0.1 foo.example.default.svc.cluster.local. A NXDOMAIN
                1 10.0.0.1 foo.example.svc.cluster.local.         A NXDOMAIN
                2 10.0.0.1 foo.example.cluster.local.             A NXDOMAIN
                """);
        detector.tick(ChainEvents.EPOCH + 2001);
        assertEquals(0, published.size());
        detector.tick(ChainEvents.EPOCH + 2002);
        assertEquals(1, published.size());
        SearchChain c = published.get(0);
        assertEquals(-1, c.answeredStep());
        assertEquals("foo.example", c.baseName());
        assertEquals(Duration.ofMillis(3), c.wastedTime(), "to the last answer when the as-given step never came");
    }

    @Test
    void anotherClientsEventClosesIdleChainsWithoutATick() {
        feed("""
                0    10.0.0.1 foo.example.default.svc.cluster.local. A NXDOMAIN
                1    10.0.0.1 foo.example.svc.cluster.local.         A NXDOMAIN
                5000 10.0.0.9 unrelated.example.                     A NOERROR
                """);
        assertEquals(1, published.size());
        assertEquals(0, detector.openChains());
    }

    @Test
    void windowAndClusterDomainAreConfigurable() {
        ChainDetector d = new ChainDetector("Cluster.Example", Duration.ofMillis(500), 100, 10);
        List<SearchChain> chains = ChainEvents.run(d, """
                0   10.0.0.1 api.example.default.svc.cluster.local.   A NXDOMAIN
                1   10.0.0.1 api.example.svc.cluster.local.           A NXDOMAIN
                10  10.0.0.1 www.google.com.prod.svc.cluster.example. A NXDOMAIN
                11  10.0.0.1 www.google.com.svc.cluster.example.      A NXDOMAIN
                600 10.0.0.1 www.google.com.cluster.example.          A NXDOMAIN
                601 10.0.0.1 www.google.com.                          A NOERROR
                """);
        assertEquals(List.of("""
                10.0.0.1 www.google.com ns=prod qtypes=A steps=2 answered=-1 wasted=2 \
                search=prod.svc.cluster.example,svc.cluster.example"""),
                chains.stream().map(ChainEvents::summary).toList(), "500 ms window splits the chain");
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new ChainDetector("."));
        assertThrows(IllegalArgumentException.class, () -> new ChainDetector("cluster.local", Duration.ZERO, 1, 1));
    }

    @Test
    void capsOpenClientsAndChainsPerClient() {
        ChainDetector d = new ChainDetector("cluster.local.", Duration.ofSeconds(2), 2, 10);
        for (String ip : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) {
            d.onEvent(ChainEvents.event(0, ip, "a.example.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN, 0));
        }
        assertEquals(2, d.openChains());
        assertEquals(1, d.droppedStarts());
        for (int i = 0; i < ChainDetector.MAX_OPEN_PER_CLIENT + 3; i++) {
            d.onEvent(ChainEvents.event(1, "10.0.0.1", "n" + i + ".example.default.svc.cluster.local.", Type.A,
                    Rcode.NXDOMAIN, 0));
        }
        assertEquals(ChainDetector.MAX_OPEN_PER_CLIENT + 1, d.openChains());
    }

    @Test
    void aFailingListenerDoesNotStopDetection() {
        detector.addListener(c -> {
            throw new IllegalStateException("boom");
        });
        feed(GLIBC_EXTERNAL);
        assertEquals(1, published.size());
        assertEquals(1, detector.chainsSeen());
        assertTrue(detector.recentChains(1).get(0).answered());
    }
}
