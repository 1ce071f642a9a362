package io.nodecache.dashboard.discovery;

import static io.nodecache.dashboard.discovery.NodeDiscoveryContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.nodecache.dashboard.transport.NodeTarget;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The discovery contract with pod-proxy targets: the same informer, each node reached as {@code namespace/pod:port}
 * through the API server rather than at its pod IP. Its own class (not a nested one) so each test has exactly one
 * mock API server: two, the outer class's and a nested one's, made the mock's shutdown time out in the full suite.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryThroughProxyTest extends NodeDiscoveryContract {

    KubernetesClient client;

    @Override
    Fixture newFixture() {
        return new KubernetesDiscoveryTest.PodsFixture(client, true);
    }

    @Test
    void targetsNameThePodNotItsIp() {
        KubernetesDiscoveryTest.PodsFixture f = (KubernetesDiscoveryTest.PodsFixture) fixture();
        String name = f.createPod("node-a", "10.244.1.2", true);
        DiscoveredNode n = await("node-a", () -> node(f, "node-a"), Optional::isPresent).orElseThrow();
        assertEquals(NodeTarget.pod("node-a", KubernetesDiscoveryTest.NS, name, KubernetesDiscoveryTest.PORT),
                n.target());
        assertEquals(KubernetesDiscoveryTest.NS + "/" + name + ":8080", n.target().describe());
        assertEquals(KubernetesDiscoveryTest.NS + "/" + name, n.pod());
    }
}
