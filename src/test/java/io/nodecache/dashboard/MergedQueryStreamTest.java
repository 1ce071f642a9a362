package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.discovery.DiscoveredNode;
import io.nodecache.dashboard.pods.StaticPodDirectory;
import io.nodecache.dashboard.transport.DirectTransport;
import io.nodecache.dashboard.transport.NodeTarget;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Each viewer of the merged stream has its own bounded buffer: one that never reads loses rows, counted, while
 * another viewer of the same node gets every row, named with its node and pod.
 */
class MergedQueryStreamTest {

    @Test
    void aSlowViewerDropsRowsWithACountAndTheOtherViewerGetsThemAll() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withRecord("svc.test.", Type.A, 300, "192.0.2.1")
                .start()) {
            TestNode node = TestNode.start(upstream, "log");
            DirectTransport transport = new DirectTransport(Duration.ofSeconds(2));
            int dns = node.dnsPort();
            DiscoveredNode target = new DiscoveredNode("n1", NodeTarget.direct("n1", URI.create(node.url())), null,
                    true, null);
            StaticPodDirectory pods = StaticPodDirectory.parse("default/tester=127.0.0.1@n1");
            try (MergedQueryStream slow = new MergedQueryStream(transport, pods, "", null, null, 5,
                    Duration.ofSeconds(5));
                    MergedQueryStream fast = new MergedQueryStream(transport, pods, "?name=svc.test", "default",
                            "tester", 10_000, Duration.ofSeconds(5))) {
                slow.start(List.of(target));
                fast.start(List.of(target));
                List<MergedQueryStream.Item> got = new ArrayList<>();
                awaitConnected(fast, got);
                awaitConnected(slow, new ArrayList<>());

                SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
                r.setPort(dns);
                int asked = 100;
                for (int i = 0; i < asked; i++) {
                    r.send(Message.newQuery(Record.newRecord(Name.fromString("svc.test."), Type.A, 1)));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (rows(got) < asked && System.nanoTime() < deadline) {
                    got.addAll(fast.drain());
                    Thread.sleep(50);
                }
                assertEquals(asked, rows(got), "the reading viewer got every row");
                MergedQueryStream.Item row = got.stream().filter(i -> i.type().equals("query")).findFirst()
                        .orElseThrow();
                assertTrue(row.json().contains("\"node\":\"n1\"") && row.json().contains("\"pod\":\"tester\"")
                        && row.json().contains("\"namespace\":\"default\""), row.json());
                assertEquals(0, fast.dropped());
                assertTrue(slow.dropped() >= asked - 5, "the viewer that never read dropped: " + slow.dropped());
                assertTrue(slow.drain().size() <= 5, "within its bound");
            } finally {
                transport.close();
                node.close();
            }
        }
    }

    /** The node's stream opened (the first {@code node} event says so) before any query is sent. */
    private static void awaitConnected(MergedQueryStream s, List<MergedQueryStream.Item> into) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (MergedQueryStream.Item i : s.drain()) {
                into.add(i);
                if (i.type().equals("node") && i.json().contains("\"connected\":true")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the node's stream never opened: " + into);
    }

    private static long rows(List<MergedQueryStream.Item> items) {
        return items.stream().filter(i -> i.type().equals("query")).count();
    }
}
