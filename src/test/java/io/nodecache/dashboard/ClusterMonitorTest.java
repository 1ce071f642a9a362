package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.chains.ChainHistory;
import io.nodecache.dashboard.discovery.StaticDiscovery;
import io.nodecache.dashboard.pods.StaticPodDirectory;
import io.nodecache.dashboard.transport.DirectTransport;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The refresh over real nodes: a real node answers and its queries show up in the figures; a node that accepts
 * connections and never answers costs the refresh its timeout, not more, and is marked unreachable with why; a node
 * that stops answering keeps its last figures, marked stale, and drops out of the totals.
 */
class ClusterMonitorTest {

    static final Duration TIMEOUT = Duration.ofMillis(800);

    @Test
    void aHungNodeCostsOnlyTheTimeoutAndAStoppedOneKeepsItsLastFiguresMarkedStale() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!hung.isClosed()) {
                    try {
                        held.add(hung.accept());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            TestNode testNode = TestNode.start(upstream, List.of("cache 30"), List.of("--NODE_NAME=real-node"));
            ConfigurableApplicationContext node = testNode.context();
            int web = testNode.webPort();
            int dns = testNode.dnsPort();
            ask(dns, "kubernetes.default.svc.cluster.local.");
            ask(dns, "kubernetes.default.svc.cluster.local.");

            ClusterMonitor monitor = new ClusterMonitor(StaticDiscovery.parse("real=http://127.0.0.1:" + web
                    + ",hung=http://127.0.0.1:" + hung.getLocalPort()), StaticPodDirectory.parse(""),
                    new DirectTransport(TIMEOUT), "direct", Duration.ofHours(1), TIMEOUT, Clock.systemUTC(),
                    new ChainHistory(Clock.systemUTC()), new PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                long t0 = System.nanoTime();
                ClusterView first = monitor.refresh().get(10, TimeUnit.SECONDS);
                long took = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(took < TIMEOUT.toMillis() + 1000, "refresh took " + took + " ms");
                NodeView real = monitor.node("real").orElseThrow();
                assertEquals("ready", real.state());
                NodeView stuck = monitor.node("hung").orElseThrow();
                assertEquals("unreachable", stuck.state());
                assertTrue(stuck.error().contains("no answer within"), stuck.error());
                assertEquals(1, first.totals().covers().nodes());
                assertEquals(2, first.totals().covers().of());

                // The node's per-second sampler needs a second to see the queries.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (monitor.node("real").orElseThrow().queries() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    monitor.refresh().get(10, TimeUnit.SECONDS);
                }
                NodeView before = monitor.node("real").orElseThrow();
                assertTrue(before.queries() >= 2, before.toString());
                assertTrue(before.hitRatio() > 0, "the second ask was a cache hit: " + before);
                assertNotNull(before.logging());

                node.close();
                ClusterView after = monitor.refresh().get(10, TimeUnit.SECONDS);
                NodeView gone = monitor.node("real").orElseThrow();
                assertEquals("unreachable", gone.state());
                assertTrue(gone.stale());
                assertEquals(before.queries(), gone.queries(), "last good figures kept");
                assertEquals(before.lastSeen(), gone.lastSeen());
                assertEquals(0, after.totals().covers().nodes());
                assertEquals(0, after.totals().queries(), "stale figures are not counted");
            } finally {
                monitor.close();
                testNode.close();
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static void ask(int port, String name) throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(port);
        Message answer = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
        assertFalse(answer.getSection(1).isEmpty(), answer.toString());
    }
}
