package io.nodecache.dashboard.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.nodecache.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The folding of node pods into one entry per node, on pods with creation timestamps the mock server would not keep. */
class NodePodsTest {

    final MutableClock clock = new MutableClock();
    final NodePods pods = new NodePods(8080, true, Duration.ofMinutes(1), clock);

    @Test
    void theNewestReadyPodWinsWhicheverWasSeenFirst() {
        Instant t0 = clock.instant();
        pods.upsert(pod("new", "node-a", true, t0.plusSeconds(300)));
        pods.upsert(pod("old", "node-a", true, t0));
        assertEquals("ns/new", only().pod());

        pods.upsert(pod("new", "node-a", false, t0.plusSeconds(300)));
        assertEquals("ns/old", only().pod(), "Ready before newest");
    }

    @Test
    void aPodDeletedWhileAnotherServesTheNodeLeavesNoGoneEntry() {
        pods.upsert(pod("old", "node-a", true, clock.instant()));
        pods.upsert(pod("new", "node-a", true, clock.instant().plusSeconds(1)));
        pods.delete(pod("old", "node-a", true, clock.instant()));
        assertNull(only().goneAt());
        pods.delete(pod("new", "node-a", true, clock.instant()));
        assertEquals(clock.instant(), only().goneAt());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(List.of(), pods.nodes());
    }

    private DiscoveredNode only() {
        List<DiscoveredNode> nodes = pods.nodes();
        assertEquals(1, nodes.size(), nodes.toString());
        return nodes.get(0);
    }

    static Pod pod(String name, String node, boolean ready, Instant created) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .withCreationTimestamp(created.toString()).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
    }
}
