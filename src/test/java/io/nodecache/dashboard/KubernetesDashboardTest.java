package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard as the chart runs it, {@code discovery=kubernetes} with the direct transport, wired by Spring from
 * fabric8's own configuration (here system properties pointing at the mock API server in CRUD mode): a node pod
 * with node-local-dns's labels appears, is reached at its pod IP and port, counts against the DaemonSet's desired
 * count, and shows as gone once deleted.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDashboardTest {

    static KubernetesClient client;
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void findsTheNodePodThroughTheApiAndReadsItsNode() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start()) {
            TestNode node = TestNode.start(upstream, "cache 30");
            int nodePort = node.webPort();
            DaemonSet ds = client.apps().daemonSets().inNamespace("kube-system").resource(new DaemonSetBuilder()
                    .withNewMetadata().withName("node-local-dns").withNamespace("kube-system").endMetadata()
                    .withNewSpec().withNewSelector().withMatchLabels(Map.of("k8s-app", "node-local-dns"))
                    .endSelector().endSpec().withNewStatus().withDesiredNumberScheduled(2).endStatus().build())
                    .create();
            Pod pod = client.pods().inNamespace("kube-system").resource(new PodBuilder()
                    .withNewMetadata().withName("node-local-dns-x7k2p").withNamespace("kube-system")
                    .withLabels(Map.of("k8s-app", "node-local-dns"))
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("DaemonSet")
                    .withName("node-local-dns").withUid(ds.getMetadata().getUid()).withController(true)
                    .endOwnerReference().endMetadata()
                    .withNewSpec().withNodeName("worker-1").endSpec()
                    .withNewStatus().withPodIP("127.0.0.1").addNewCondition().withType("Ready").withStatus("True")
                    .endCondition().endStatus().build()).create();
            assertNotNull(pod);
            Map<String, String> props = Map.of("kubernetes.master", client.getMasterUrl().toString(),
                    "kubernetes.trust.certificates", "true", "kubernetes.auth.tryKubeConfig", "false",
                    "kubernetes.auth.tryServiceAccount", "false", "kubernetes.namespace", "default");
            props.forEach(System::setProperty);
            ConfigurableApplicationContext dashboard = null;
            try {
                dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=kubernetes",
                        "--nodecache.dashboard.transport=direct", "--nodecache.dashboard.node-port=" + nodePort,
                        "--nodecache.dashboard.refresh=300ms");
                int web = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));

                JsonNode cluster = await(web, c -> c.path("nodes").size() == 1
                        && c.path("nodes").path(0).path("state").asString().equals("ready"));
                JsonNode n = cluster.path("nodes").path(0);
                assertEquals("worker-1", n.path("name").asString());
                assertEquals("kube-system/node-local-dns-x7k2p", n.path("pod").asString());
                assertEquals("http://127.0.0.1:" + nodePort + "/", n.path("target").asString());
                assertEquals("kubernetes", cluster.path("discovery").asString());
                assertEquals(1, cluster.path("coverage").path("listed").asInt());
                assertEquals(2, cluster.path("coverage").path("desired").asInt(), "1/2 nodes");

                client.pods().inNamespace("kube-system").withName("node-local-dns-x7k2p").delete();
                await(web, c -> c.path("nodes").path(0).path("state").asString().equals("gone"));
            } finally {
                props.keySet().forEach(System::clearProperty);
                io.nodecache.testing.MockServerWatches.settleBeforeClose();
                if (dashboard != null) {
                    dashboard.close();
                }
                node.close();
            }
        }
    }

    private static JsonNode await(int port, Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last;
        do {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = JSON.readTree(r.body());
            if (ready.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the dashboard never got there: " + last.toPrettyString());
    }
}
