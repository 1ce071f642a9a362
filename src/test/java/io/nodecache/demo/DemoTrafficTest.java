package io.nodecache.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.authority.DemoZones;
import io.nodecache.dns.event.QueryEvent;
import io.nodecache.searchpath.ChainDetector;
import io.nodecache.searchpath.SearchChain;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/**
 * The demo pods send real queries through a real node, each from its own 127.0.1.x, and the chain detector finds
 * their search-list chains in the node's events.
 */
class DemoTrafficTest {

    @Test
    void podsQueryTheNodeFromTheirOwnAddressesAndProduceChains() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                NodeHarness node = NodeHarness.start("""
                        .:0 {
                            errors
                            cache 30
                            bind 127.0.0.1
                            forward . 127.0.0.1:%d
                        }
                        """.formatted(upstream.port()), Clock.systemUTC());
                DemoTraffic demo = new DemoTraffic(DemoPods.create(6), node::dns, Duration.ofMillis(20),
                        DemoTraffic.DEFAULT_TIMEOUT, "cluster.local", new PrintStream(out, true,
                                StandardCharsets.UTF_8))) {
            demo.start();
            List<SearchChain> chains = List.of();
            Set<String> clients = Set.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(200);
                List<QueryEvent> events = node.events(0);
                clients = events.stream().map(e -> e.clientAddress().getHostAddress())
                        .collect(Collectors.toCollection(TreeSet::new));
                chains = chainsIn(events);
                if (clients.size() == 6 && chains.stream().filter(SearchChain::answered).count() >= 5
                        && chains.stream().anyMatch(c -> !c.answered())) {
                    break;
                }
            }
            demo.close();
            List<SearchChain> seen = chains;

            assertEquals(Set.of("127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.4", "127.0.1.5", "127.0.1.6"),
                    clients, "one client address per pod");
            assertTrue(demo.lookups() > 0 && demo.failures() == 0, "lookups " + demo.lookups() + ", failures "
                    + demo.failures() + ": " + out.toString(StandardCharsets.UTF_8));
            assertTrue(chains.stream().filter(SearchChain::answered).count() >= 5, "chains: " + chains);
            SearchChain external = chains.stream().filter(c -> c.baseName().endsWith(".example") && c.answered()
                    && c.steps().size() >= 4).findFirst().orElseThrow(() -> new AssertionError("no external chain "
                    + "in " + seen));
            assertTrue(external.client().getHostAddress().startsWith("127.0.1."));
            assertEquals(external.baseName() + ".", external.answeredName());
            assertTrue(external.steps().stream().limit(external.answeredStep())
                    .allMatch(s -> s.rcode() == Rcode.NXDOMAIN), external.toString());
            assertTrue(chains.stream().anyMatch(c -> !c.answered()), "a typo fails every step: " + chains);
            // Nothing but the demo zones went upstream (and the forwarder's health probes for ". NS").
            List<String> elsewhere = upstream.received().stream().map(r -> r.name().toString().toLowerCase())
                    .filter(n -> !n.endsWith(".cluster.local.") && !n.endsWith(".example.") && !n.equals("."))
                    .toList();
            assertEquals(List.of(), elsewhere);
        }
    }

    @Test
    void stopsPromptlyAndQuietlyWhenTheNodeIsGone() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoTraffic demo = new DemoTraffic(DemoPods.create(2), () -> null, Duration.ofMillis(10),
                DemoTraffic.DEFAULT_TIMEOUT, "cluster.local", new PrintStream(out, true, StandardCharsets.UTF_8));
        demo.start();
        Thread.sleep(50);
        long start = System.nanoTime();
        demo.close();

        assertEquals(0, demo.lookups(), "no node, no lookups");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("nodecache-demo-pods") && t.isAlive()));
    }

    /** Runs the node's events, in order, through a detector as the dispatcher would, and closes what is open. */
    private static List<SearchChain> chainsIn(List<QueryEvent> events) {
        ChainDetector detector = new ChainDetector();
        List<QueryEvent> ordered = events.stream().sorted(Comparator.comparingLong(QueryEvent::sequence)).toList();
        ordered.forEach(detector::onEvent);
        if (!ordered.isEmpty()) {
            detector.tick(ordered.get(ordered.size() - 1).epochMillis() + 10_000);
        }
        return detector.recentChains(1000);
    }
}
