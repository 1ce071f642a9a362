package io.nodecache.dashboard.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.nodecache.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cluster-wide pod informer against fabric8's mock API server in CRUD mode, and the static list's parser. */
@EnableKubernetesMockClient(crud = true)
class KubernetesPodDirectoryTest {

    static final Duration HISTORY = Duration.ofMinutes(10);
    static final Duration WAIT = Duration.ofSeconds(15);

    KubernetesClient client;
    // Whole seconds, as pods' timestamps are.
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    KubernetesPodDirectory directory;

    @BeforeEach
    void start() {
        directory = new KubernetesPodDirectory(client, HISTORY, clock);
        directory.start();
        // The mock's watch does not replay what changed between list and watch; a real API server does.
        await("watching", directory::watching, w -> w);
    }

    @AfterEach
    void stop() {
        io.nodecache.testing.MockServerWatches.settleBeforeClose();
        directory.close();
    }

    @Test
    void anIpNamesItsPodAndNode() {
        create("shop", "cart-7d9f", "10.244.1.5", "node-a", false, clock.instant().minusSeconds(60));
        create("default", "web-1", "10.244.2.9", "node-b", false, clock.instant().minusSeconds(60));
        await("two pods", directory::size, n -> n == 2);
        assertEquals(Optional.of(new PodRef("shop", "cart-7d9f", "node-a", false)),
                directory.lookup("10.244.1.5", clock.instant()));
        assertEquals(Optional.of(new PodRef("default", "web-1", "node-b", false)),
                directory.lookup("10.244.2.9", clock.instant()));
        assertEquals(Optional.empty(), directory.lookup("10.244.3.3", clock.instant()), "nobody's IP");
        assertEquals(Optional.empty(), directory.lookup("10.244.1.5", clock.instant().minusSeconds(120)),
                "before the pod started");
    }

    @Test
    void hostNetworkPodsResolveToTheirNode() {
        create("kube-system", "kube-proxy-x1", "192.168.0.10", "node-a", true, clock.instant().minusSeconds(60));
        create("monitoring", "node-exporter-q", "192.168.0.10", "node-a", true, clock.instant().minusSeconds(30));
        await("two pods", directory::size, n -> n == 2);
        assertEquals(Optional.of(PodRef.hostNetworkOf("node-a")), directory.lookup("192.168.0.10", clock.instant()));
        // The IP is the node's: before either pod started, it already was.
        assertEquals(Optional.of(PodRef.hostNetworkOf("node-a")),
                directory.lookup("192.168.0.10", clock.instant().minus(Duration.ofDays(1))));
    }

    @Test
    void aDeletedPodIsStillNamedForInstantsBeforeItsDeletionThenForgotten() {
        create("shop", "job-1", "10.244.1.6", "node-a", false, clock.instant().minusSeconds(60));
        await("pod", directory::size, n -> n == 1);
        Instant asked = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        client.pods().inNamespace("shop").withName("job-1").delete();
        await("deleted", directory::size, n -> n == 0);
        Instant deleted = clock.instant();
        clock.advance(Duration.ofSeconds(5));

        assertEquals(Optional.of(new PodRef("shop", "job-1", "node-a", false)), directory.lookup("10.244.1.6", asked));
        assertEquals(Optional.empty(), directory.lookup("10.244.1.6", deleted), "not after its deletion");

        clock.advance(HISTORY);
        assertEquals(Optional.empty(), directory.lookup("10.244.1.6", asked), "forgotten after the history");
    }

    @Test
    void anIpReusedByANewPodDoesNotRenameEarlierInstants() {
        Instant oldStart = clock.instant().minusSeconds(60);
        create("shop", "old", "10.244.1.7", "node-a", false, oldStart);
        await("old pod", directory::size, n -> n == 1);
        clock.advance(Duration.ofSeconds(10));
        client.pods().inNamespace("shop").withName("old").delete();
        await("old deleted", directory::size, n -> n == 0);
        clock.advance(Duration.ofSeconds(20));
        Instant newStart = clock.instant();
        create("default", "new", "10.244.1.7", "node-b", false, newStart);
        await("new pod", directory::size, n -> n == 1);
        clock.advance(Duration.ofSeconds(10));

        assertEquals(Optional.of(new PodRef("shop", "old", "node-a", false)),
                directory.lookup("10.244.1.7", oldStart.plusSeconds(30)));
        assertEquals(Optional.of(new PodRef("default", "new", "node-b", false)),
                directory.lookup("10.244.1.7", newStart.plusSeconds(1)));
        assertEquals(Optional.empty(), directory.lookup("10.244.1.7", newStart.minusSeconds(5)), "nobody between");
    }

    @Test
    void aFinishedPodThatStaysListedLetsItsIpGo() {
        Instant start = clock.instant().minusSeconds(300);
        Instant finished = clock.instant().minusSeconds(100);
        client.pods().inNamespace("batch").resource(new PodBuilder(pod("batch", "report-1", "10.244.1.8", "node-a",
                false, start)).editStatus().withPhase("Succeeded").addNewContainerStatus().withName("main")
                .withNewState().withNewTerminated().withExitCode(0).withFinishedAt(finished.toString()).endTerminated()
                .endState().endContainerStatus().endStatus().build()).create();
        create("default", "web-2", "10.244.1.8", "node-a", false, clock.instant().minusSeconds(50));
        await("two pods", directory::size, n -> n == 2);
        assertEquals("report-1", directory.lookup("10.244.1.8", finished.minusSeconds(1)).orElseThrow().pod());
        assertEquals(Optional.empty(), directory.lookup("10.244.1.8", finished.plusSeconds(1)));
        assertEquals("web-2", directory.lookup("10.244.1.8", clock.instant()).orElseThrow().pod());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "web-1=10.0.0.1            | web-1=10.0.0.1",
            "/web-1=10.0.0.1           | /web-1=10.0.0.1",
            "shop/=10.0.0.1            | shop/=10.0.0.1",
            "shop/web-1                | shop/web-1",
            "shop/web-1=not-an-ip      | shop/web-1=not-an-ip",
            "shop/a=10.0.0.1,shop/b=10.0.0.1 | 10.0.0.1"})
    void staticListErrorsNameTheEntry(String spec, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StaticPodDirectory.parse(spec));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e.getMessage().startsWith("nodecache.dashboard.pods"), e.getMessage());
    }

    @Test
    void staticListNamesPodsAndNodes() {
        StaticPodDirectory d = StaticPodDirectory.parse("shop/cart=10.244.1.5@node-a, default/web=10.244.2.9");
        assertEquals(2, d.size());
        assertEquals(Optional.of(new PodRef("shop", "cart", "node-a", false)), d.lookup("10.244.1.5", Instant.EPOCH));
        assertEquals(Optional.of(new PodRef("default", "web", null, false)), d.lookup("10.244.2.9", Instant.EPOCH));
    }

    private void create(String ns, String name, String ip, String node, boolean hostNetwork, Instant started) {
        client.pods().inNamespace(ns).resource(pod(ns, name, ip, node, hostNetwork, started)).create();
    }

    static Pod pod(String ns, String name, String ip, String node, boolean hostNetwork, Instant started) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withNodeName(node).withHostNetwork(hostNetwork).endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).withStartTime(started.toString()).endStatus()
                .build();
    }

    static <T> T await(String what, Supplier<T> value, Predicate<T> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + "; last saw " + last);
            }
            try {
                Thread.sleep(20); // the poll interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            last = value.get();
        }
        return last;
    }
}
