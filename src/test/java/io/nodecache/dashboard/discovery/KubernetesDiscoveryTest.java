package io.nodecache.dashboard.discovery;

import static io.nodecache.dashboard.discovery.NodeDiscoveryContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.nodecache.dashboard.transport.NodeTarget;
import io.nodecache.testing.MockServerWatches;
import io.nodecache.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node pod informer against fabric8's mock API server in CRUD mode: the discovery contract, and what only
 * Kubernetes has (labels, namespaces, surge handovers, the DaemonSet's desired count, pod-proxy or direct targets).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest extends NodeDiscoveryContract {

    static final String NS = "kube-system";
    static final String SELECTOR = "k8s-app=node-local-dns";
    static final int PORT = 8080;

    KubernetesClient client;
    KubernetesMockServer server;

    @Override
    Fixture newFixture() {
        return new PodsFixture(client, false);
    }

    /** Node pods owned by a DaemonSet whose desired count follows the nodes started, as its controller would. */
    static final class PodsFixture implements Fixture {

        final KubernetesClient client;
        final boolean proxy;
        final MutableClock clock = new MutableClock(Instant.now());
        final Map<String, List<String>> podsByNode = new HashMap<>();
        final Map<String, String> lastPod = new HashMap<>();
        final Map<String, Integer> nodeIndex = new HashMap<>();
        final DaemonSet daemonSet;
        KubernetesDiscovery discovery;
        int created;

        PodsFixture(KubernetesClient client, boolean proxy) {
            this.client = client;
            this.proxy = proxy;
            this.daemonSet = client.apps().daemonSets().inNamespace(NS).resource(new DaemonSetBuilder()
                    .withNewMetadata().withName("node-local-dns").withNamespace(NS).endMetadata()
                    .withNewSpec().withNewSelector().addToMatchLabels("k8s-app", "node-local-dns").endSelector()
                    .endSpec().build()).create();
            setDesired(0);
        }

        void setDesired(int desired) {
            DaemonSet ds = client.apps().daemonSets().inNamespace(NS).withName("node-local-dns").get();
            if (ds == null) {
                return; // the test deleted it
            }
            ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder()
                    .withDesiredNumberScheduled(desired).withCurrentNumberScheduled(0).withNumberReady(0)
                    .withNumberMisscheduled(0).build());
            client.apps().daemonSets().inNamespace(NS).resource(ds).updateStatus();
        }

        @Override
        public void startNodePod(String node) {
            createPod(node, nodeIp(node), true);
            setDesired(nodeIndex.size());
        }

        /**
         * A node pod on {@code node} (null: unscheduled), with {@code ip} (null: none yet). The mock server stamps
         * {@code creationTimestamp} itself, in whole seconds, so pods created here may share one.
         */
        String createPod(String node, String ip, boolean ready) {
            String name = "node-local-dns-" + (char) ('a' + created++ % 26) + created;
            Pod pod = new PodBuilder()
                    .withNewMetadata().withName(name).withNamespace(NS).addToLabels("k8s-app", "node-local-dns")
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("DaemonSet")
                    .withName("node-local-dns").withUid(daemonSet.getMetadata().getUid()).withController(true)
                    .endOwnerReference().endMetadata()
                    .withNewSpec().withNodeName(node).addNewContainer().withName("node-cache").withImage("nodecache")
                    .endContainer().endSpec()
                    .withNewStatus().withPhase("Running").withPodIP(ip)
                    .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                    .endStatus().build();
            client.pods().inNamespace(NS).resource(pod).create();
            if (node != null) {
                podsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(name);
                lastPod.put(node, name);
            }
            return name;
        }

        String nodeIp(String node) {
            int i = nodeIndex.computeIfAbsent(node, n -> nodeIndex.size() + 1);
            return "10.244." + i + ".2";
        }

        void setReady(String podName, boolean ready) {
            client.pods().inNamespace(NS).withName(podName).editStatus(p -> {
                p.getStatus().getConditions().get(0).setStatus(ready ? "True" : "False");
                return p;
            });
        }

        @Override
        public void markReady(String node, boolean ready) {
            List<String> pods = podsByNode.get(node);
            setReady(pods.get(pods.size() - 1), ready);
        }

        @Override
        public void deletePod(String node) {
            for (String pod : podsByNode.remove(node)) {
                client.pods().inNamespace(NS).withName(pod).delete();
            }
        }

        @Override
        public void advance(Duration d) {
            clock.advance(d);
        }

        @Override
        public boolean supportsChanges() {
            return true;
        }

        @Override
        public KubernetesDiscovery discovery() {
            if (discovery == null) {
                discovery = new KubernetesDiscovery(client, NS, SELECTOR, PORT, proxy, RETENTION, clock);
                discovery.start();
                // The mock server's watch does not replay changes made between the list and the watch (a real API
                // server does, from the list's resourceVersion): changes must wait for the watch.
                await("informer watching", discovery::watching, w -> w);
            }
            return discovery;
        }

        @Override
        public NodeTarget expectedTarget(String node) {
            if (proxy) {
                return NodeTarget.pod(node, NS, lastPod.get(node), PORT);
            }
            return NodeTarget.direct(node, URI.create("http://" + nodeIp(node) + ":" + PORT + "/"));
        }

        @Override
        public String kind() {
            return "kubernetes";
        }

        /** Stops the informer, then the client, before the mock server's shutdown waits for their connections. */
        @Override
        public void close() {
            MockServerWatches.settleBeforeClose();
            if (discovery != null) {
                discovery.close();
            }
            client.close();
        }
    }

    PodsFixture pods() {
        return (PodsFixture) fixture();
    }

    @Test
    void podsWithoutTheLabelAreIgnored() {
        PodsFixture f = pods();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("coredns-1")
                .withNamespace(NS).addToLabels("k8s-app", "kube-dns").endMetadata()
                .withNewSpec().withNodeName("node-x").endSpec().build()).create();
        f.discovery();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("coredns-2")
                .withNamespace(NS).addToLabels("k8s-app", "kube-dns").endMetadata()
                .withNewSpec().withNodeName("node-y").endSpec().build()).create();
        f.startNodePod("node-a");
        // node-a came after both wrong pods on the same list and watch: had they matched, they would be here too.
        List<DiscoveredNode> nodes = await("node-a", () -> f.discovery().nodes(), n -> !n.isEmpty());
        assertEquals(List.of("node-a"), nodes.stream().map(DiscoveredNode::name).toList());
    }

    @Test
    void podsInAnotherNamespaceAreIgnored() {
        PodsFixture f = pods();
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("node-local-dns-x")
                .withNamespace("default").addToLabels("k8s-app", "node-local-dns").endMetadata()
                .withNewSpec().withNodeName("node-x").endSpec().build()).create();
        f.startNodePod("node-a");
        List<DiscoveredNode> nodes = await("node-a", () -> f.discovery().nodes(), n -> !n.isEmpty());
        assertEquals(List.of("node-a"), nodes.stream().map(DiscoveredNode::name).toList());
        f.startNodePod("node-b");
        nodes = await("node-b", () -> f.discovery().nodes(), n -> n.size() >= 2);
        assertEquals(List.of("node-a", "node-b"), nodes.stream().map(DiscoveredNode::name).toList());
    }

    @Test
    void aSurgeHandoverShowsOneEntryPreferringReadyThenNewest() {
        PodsFixture f = pods();
        String old = f.createPod("node-a", "10.244.1.2", true);
        f.discovery();
        await("old pod", () -> node(f, "node-a"), n -> n.isPresent() && n.get().pod().equals(NS + "/" + old));

        // maxSurge 1: the new pod starts beside the old one, not ready yet; the old one keeps serving.
        String next = f.createPod("node-a", "10.244.1.3", false);
        String pending = f.createPod(null, null, false); // unscheduled: its own entry
        await("three pods seen", () -> f.discovery().nodes(), n -> n.size() == 2);
        assertEquals(List.of("node-a", pending), f.discovery().nodes().stream().map(DiscoveredNode::name).toList());
        assertEquals(NS + "/" + old, node(f, "node-a").orElseThrow().pod(), "the Ready pod wins");
        assertTrue(node(f, "node-a").orElseThrow().podReady());

        f.setReady(next, true);
        DiscoveredNode now = await("new pod", () -> node(f, "node-a"),
                n -> n.isPresent() && n.get().pod().equals(NS + "/" + next)).orElseThrow();
        assertEquals(URI.create("http://10.244.1.3:8080/"), now.target().baseUri(), "both ready: the newest");

        f.setReady(old, false);
        client.pods().inNamespace(NS).withName(old).delete();
        // The old pod's deletion must not mark the node gone: its replacement serves it.
        f.startNodePod("node-z");
        await("node-z", () -> node(f, "node-z"), Optional::isPresent);
        DiscoveredNode after = node(f, "node-a").orElseThrow();
        assertFalse(after.gone());
        assertEquals(NS + "/" + next, after.pod());
        assertEquals(1, f.discovery().nodes().stream().filter(n -> n.name().equals("node-a")).count());
    }

    @Test
    void anUnscheduledPodIsListedUnderItsNameUntilItHasANode() {
        PodsFixture f = pods();
        String name = f.createPod(null, null, false);
        DiscoveredNode pending = await("pending pod", () -> node(f, name), Optional::isPresent).orElseThrow();
        assertFalse(pending.podReady());
        assertEquals(NodeTarget.pod(name, NS, name, PORT), pending.target(), "no IP yet: the pod-proxy form");

        client.pods().inNamespace(NS).withName(name).edit(p -> {
            p.getSpec().setNodeName("node-q");
            return p;
        });
        await("scheduled", () -> f.discovery().nodes(),
                n -> n.size() == 1 && n.get(0).name().equals("node-q"));
        assertFalse(node(f, "node-q").orElseThrow().gone());
    }

    @Test
    void desiredComesFromTheOwningDaemonSetAndShowsMissingNodes() {
        PodsFixture f = pods();
        f.startNodePod("node-a");
        f.startNodePod("node-b");
        f.startNodePod("node-c");
        f.setDesired(4); // a fourth node has no pod yet
        f.advance(KubernetesDiscovery.DESIRED_CACHE); // past any value cached while the fixture was setting up
        await("three nodes", () -> f.discovery().nodes(), n -> n.size() == 3);
        OptionalInt desired = await("desired 4", () -> f.discovery().desired(),
                d -> d.isPresent() && d.getAsInt() == 4);
        assertEquals(0.75, (double) f.discovery().nodes().size() / desired.getAsInt(), 1e-9, "coverage");

        f.setDesired(5);
        assertEquals(4, f.discovery().desired().getAsInt(), "cached for a few seconds");
        f.advance(KubernetesDiscovery.DESIRED_CACHE);
        assertEquals(5, f.discovery().desired().getAsInt());
    }

    @Test
    void desiredIsEmptyWhenTheDaemonSetIsGone() {
        PodsFixture f = pods();
        client.apps().daemonSets().inNamespace(NS).withName("node-local-dns").delete();
        f.startNodePod("node-a");
        await("node-a", () -> f.discovery().nodes(), n -> n.size() == 1);
        assertEquals(OptionalInt.empty(), f.discovery().desired());
    }

    @Test
    void desiredIsEmptyWhenDaemonSetsGetIsForbidden() {
        PodsFixture f = pods();
        f.startNodePod("node-a"); // the DaemonSet says 1
        // RBAC without daemonsets get: expectations answer before the CRUD store.
        server.expect().get().withPath("/apis/apps/v1/namespaces/" + NS + "/daemonsets/node-local-dns")
                .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"code\":403,"
                        + "\"reason\":\"Forbidden\"}").always();
        await("node-a", () -> f.discovery().nodes(), n -> n.size() == 1);
        assertEquals(OptionalInt.empty(), f.discovery().desired());
    }

    @Test
    void desiredIsEmptyBeforeAnyPodIsKnown() {
        assertEquals(OptionalInt.empty(), pods().discovery().desired());
    }

    @ParameterizedTest(name = "pod IP {0}")
    @ValueSource(strings = {"10.244.7.2", "fd00:10:244:7::2"})
    void directTargetsUseThePodIpAndPort(String ip) {
        PodsFixture f = pods();
        f.createPod("node-a", ip, true);
        DiscoveredNode n = await("node-a", () -> node(f, "node-a"), Optional::isPresent).orElseThrow();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        assertEquals(URI.create("http://" + host + ":8080/"), n.target().baseUri());
        assertEquals("http://" + host + ":8080/api/v1/node", n.target().baseUri().resolve("api/v1/node").toString());
        assertNull(n.target().pod());
    }

    @Test
    void aSelectorOfSeveralTermsSelectsOnAllOfThem() {
        PodsFixture f = pods();
        f.startNodePod("node-a");
        client.pods().inNamespace(NS).withName(f.podsByNode.get("node-a").get(0)).edit(p -> {
            p.getMetadata().getLabels().put("track", "canary");
            return p;
        });
        f.startNodePod("node-b");
        try (KubernetesDiscovery stable = new KubernetesDiscovery(client, NS, SELECTOR + ",track!=canary", PORT,
                false, RETENTION, f.clock)) {
            stable.start();
            List<DiscoveredNode> nodes = await("node-b", stable::nodes, n -> !n.isEmpty());
            assertEquals(List.of("node-b"), nodes.stream().map(DiscoveredNode::name).toList());
            MockServerWatches.settleBeforeClose();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k8s-app in (a,b)", "=x", "!", "a=b,!=c"})
    void selectorsItCannotServeAreRefusedNamingTheTerm(String selector) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KubernetesDiscovery.parseSelector(selector));
        assertTrue(e.getMessage().startsWith("label selector: '"), e.getMessage());
    }

    @Test
    void selectorTermsAreSplitForFabric8() {
        KubernetesDiscovery.Selector s = KubernetesDiscovery.parseSelector(" k8s-app=node-local-dns, tier==dns,"
                + "track!=canary,ready,!legacy ");
        assertEquals(Map.of("k8s-app", "node-local-dns", "tier", "dns"), s.equal());
        assertEquals(Map.of("track", "canary"), s.notEqual());
        assertEquals(List.of("ready"), s.exists());
        assertEquals(List.of("legacy"), s.absent());
    }
}
