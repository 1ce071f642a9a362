package io.nodecache.dashboard.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nodecache.dashboard.transport.NodeTarget;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link NodeDiscovery} does, run against each implementation (as Spring Boot Admin runs one event-store
 * suite against every store). A subclass supplies a {@link Fixture} that plays the world discovery watches; tests
 * of changes at runtime run only where the fixture {@linkplain Fixture#supportsChanges() supports them}.
 */
abstract class NodeDiscoveryContract {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final Duration RETENTION = Duration.ofMinutes(5);

    /** The world a discovery watches, driven by the test. */
    interface Fixture extends AutoCloseable {

        /** A node gets a running, Ready node pod; after {@link #discovery()} only when changes are supported. */
        void startNodePod(String node);

        void markReady(String node, boolean ready);

        /** Deletes the node's pod(s). */
        void deletePod(String node);

        /** Moves the discovery's clock. */
        void advance(Duration d);

        boolean supportsChanges();

        /** The discovery under test, built (gone nodes kept for {@link #RETENTION}) and started on first call. */
        NodeDiscovery discovery();

        /** Where the node's API should be reached. */
        NodeTarget expectedTarget(String node);

        /** The expected {@link NodeDiscovery#kind()}. */
        String kind();

        @Override
        void close();
    }

    /** A fresh world for one test. */
    abstract Fixture newFixture();

    private Fixture fixture;

    Fixture fixture() {
        if (fixture == null) {
            fixture = newFixture();
        }
        return fixture;
    }

    @AfterEach
    void closeFixture() {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }

    @Test
    void listsEveryNodeInNameOrderWithWhereToReachIt() {
        Fixture f = fixture();
        f.startNodePod("node-c");
        f.startNodePod("node-a");
        f.startNodePod("node-b");
        List<DiscoveredNode> nodes = await("three nodes", () -> f.discovery().nodes(), n -> n.size() == 3);
        assertEquals(List.of("node-a", "node-b", "node-c"), nodes.stream().map(DiscoveredNode::name).toList());
        for (DiscoveredNode n : nodes) {
            assertEquals(f.expectedTarget(n.name()), n.target(), n.name());
            assertEquals(n.name(), n.target().name());
            assertFalse(n.gone(), n.name());
            assertTrue(n.podReady(), n.name());
        }
        assertThrows(UnsupportedOperationException.class, () -> f.discovery().nodes().clear(),
                "a snapshot callers cannot change");
    }

    @Test
    void desiredCountsTheNodesThatShouldBeSoCoverageIsFull() {
        Fixture f = fixture();
        f.startNodePod("node-a");
        f.startNodePod("node-b");
        await("two nodes", () -> f.discovery().nodes(), n -> n.size() == 2);
        OptionalInt desired = await("desired", () -> f.discovery().desired(), OptionalInt::isPresent);
        assertEquals(2, desired.getAsInt());
        long live = f.discovery().nodes().stream().filter(n -> !n.gone()).count();
        assertEquals(1.0, (double) live / desired.getAsInt(), 1e-9, "coverage");
    }

    @Test
    void kindNamesTheImplementationAndCloseTwiceIsHarmless() {
        Fixture f = fixture();
        assertEquals(f.kind(), f.discovery().kind());
        f.discovery().start(); // again: no second watch, no error
        f.discovery().close();
        f.discovery().close();
    }

    @Test
    void aNodeThatComesLaterIsListed() {
        Fixture f = fixture();
        assumeTrue(f.supportsChanges(), "discovery that cannot change");
        f.startNodePod("node-a");
        await("node-a", () -> f.discovery().nodes(), n -> n.size() == 1);
        f.startNodePod("node-b");
        List<DiscoveredNode> nodes = await("node-b too", () -> f.discovery().nodes(), n -> n.size() == 2);
        assertEquals(List.of("node-a", "node-b"), nodes.stream().map(DiscoveredNode::name).toList());
        assertEquals(f.expectedTarget("node-b"), nodes.get(1).target());
    }

    @Test
    void readinessFollowsThePod() {
        Fixture f = fixture();
        assumeTrue(f.supportsChanges(), "discovery that cannot change");
        f.startNodePod("node-a");
        await("node-a ready", () -> node(f, "node-a"), n -> n.isPresent() && n.get().podReady());
        f.markReady("node-a", false);
        await("node-a not ready", () -> node(f, "node-a"), n -> n.isPresent() && !n.get().podReady());
        f.markReady("node-a", true);
        await("node-a ready again", () -> node(f, "node-a"), n -> n.isPresent() && n.get().podReady());
    }

    @Test
    void aDeletedNodeStaysListedAsGoneForTheRetentionThenIsDropped() {
        Fixture f = fixture();
        assumeTrue(f.supportsChanges(), "discovery that cannot change");
        f.startNodePod("node-a");
        f.startNodePod("node-b");
        await("two nodes", () -> f.discovery().nodes(), n -> n.size() == 2);
        f.deletePod("node-a");
        DiscoveredNode gone = await("node-a gone", () -> node(f, "node-a"), n -> n.isPresent() && n.get().gone())
                .orElseThrow();
        assertNotNull(gone.goneAt());
        assertFalse(gone.podReady(), "a deleted pod is not ready");
        assertEquals(f.expectedTarget("node-a"), gone.target(), "still shows where it was");
        assertFalse(node(f, "node-b").orElseThrow().gone());

        f.advance(RETENTION.minusSeconds(1));
        assertTrue(node(f, "node-a").orElseThrow().gone(), "kept until the retention is over");
        f.advance(Duration.ofSeconds(2));
        assertEquals(List.of("node-b"), f.discovery().nodes().stream().map(DiscoveredNode::name).toList());
    }

    @Test
    void aGoneNodeThatGetsANewPodIsLiveAgain() {
        Fixture f = fixture();
        assumeTrue(f.supportsChanges(), "discovery that cannot change");
        f.startNodePod("node-a");
        await("node-a", () -> node(f, "node-a"), Optional::isPresent);
        f.deletePod("node-a");
        await("node-a gone", () -> node(f, "node-a"), n -> n.isPresent() && n.get().gone());
        f.startNodePod("node-a");
        DiscoveredNode back = await("node-a back", () -> node(f, "node-a"), n -> n.isPresent() && !n.get().gone())
                .orElseThrow();
        assertEquals(f.expectedTarget("node-a"), back.target());
        assertEquals(1, f.discovery().nodes().size());
    }

    static Optional<DiscoveredNode> node(Fixture f, String name) {
        return f.discovery().nodes().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Polls until {@code done} holds or {@link #WAIT} is over; fails naming what it waited for and what it saw. */
    static <T> T await(String what, Supplier<T> value, Predicate<T> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + "; last saw " + last);
            }
            try {
                Thread.sleep(20); // the poll interval, not a guess at how long the change takes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            last = value.get();
        }
        return last;
    }
}
