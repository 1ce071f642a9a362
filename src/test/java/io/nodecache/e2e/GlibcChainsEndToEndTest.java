package io.nodecache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real glibc resolver, in pod network namespaces with a pod's resolv.conf ({@code search} list, {@code ndots:5}),
 * asks the full nodecache application on port 53; the search-domain chains it causes are read back through the HTTP
 * API, {@code GET /api/v1/chains}.
 *
 * <p>Needs root and {@code ip netns} (CI has both) and fails, not skips, without them. Creates two pods: pod 1
 * (10.244.1.2) in namespace {@code default}, pod 2 (10.244.2.2) in {@code shop}; the node binds 10.244.1.1:53 and
 * 10.244.2.1:53 on the host ends of their veth pairs and forwards everything to a {@link TestUpstream} on loopback
 * serving the demo zones ({@code cluster.local.}, {@code example.}), so no query leaves the machine.
 */
class GlibcChainsEndToEndTest {

    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(15);
    static final JsonMapper JSON = JsonMapper.builder().build();

    static PodNetwork network;
    static TestUpstream upstream;
    static ConfigurableApplicationContext app;
    static Path corefile;
    static int webPort;

    @BeforeAll
    static void startNodeAndPods() throws Exception {
        try {
            network = PodNetwork.create(List.of("default", "shop"));
            upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
            corefile = Files.createTempFile("nodecache-e2e-", ".Corefile");
            Files.writeString(corefile, PodNetwork.resource("Corefile.e2e", Map.of(
                    "BIND", String.join(" ", network.pods().stream().map(PodNetwork.Pod::nodeIp).toList()),
                    "UPSTREAM", "127.0.0.1:" + upstream.port())));
            app = new SpringApplicationBuilder(NodecacheApplication.class).run(
                    "--server.port=0",
                    "--nodecache.conf=" + corefile,
                    "--nodecache.embedded-upstream=false",
                    "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(),
                    "--nodecache.demo.enabled=false");
            webPort = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        } catch (Throwable t) {
            stopAll();
            throw t;
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        // Each part is torn down even if another fails; the namespaces last, after the node has let go of them.
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            try {
                if (upstream != null) {
                    upstream.close();
                }
                if (corefile != null) {
                    Files.deleteIfExists(corefile);
                }
            } finally {
                if (network != null) {
                    network.close();
                }
            }
        }
    }

    @Test
    void glibcExpandsAnExternalNameThroughThePodsSearchListAndTheApiShowsTheChain() throws Exception {
        PodNetwork.Pod pod = network.pod(1);
        PodNetwork.Result lookup = network.exec(pod, LOOKUP_TIMEOUT, "getent", "ahosts", "www.example");
        assertEquals(0, lookup.exit(), "getent ahosts www.example in " + pod.netns() + ": " + lookup);
        assertTrue(lookup.stdout().contains("192.0.2.10"), lookup.stdout());

        JsonNode chain = awaitChain(c -> c.path("client").asString().equals("10.244.1.2")
                && c.path("baseName").asString().equals("www.example"));

        assertEquals("default", chain.path("namespace").asString());
        assertEquals(List.of("default.svc.cluster.local", "svc.cluster.local", "cluster.local"),
                strings(chain.path("searchDomains")));
        // glibc asks each name with A and AAAA (in parallel, one socket), name after name, in search-list order.
        List<String> names = new ArrayList<>();
        for (JsonNode step : chain.path("steps")) {
            String name = step.path("name").asString();
            if (names.isEmpty() || !names.get(names.size() - 1).equals(name)) {
                names.add(name);
            }
        }
        assertEquals(List.of("www.example.default.svc.cluster.local.", "www.example.svc.cluster.local.",
                "www.example.cluster.local.", "www.example."), names, chain.toPrettyString());
        int answered = chain.path("answeredStep").asInt();
        List<JsonNode> steps = list(chain.path("steps"));
        assertEquals("www.example.", steps.get(answered).path("name").asString());
        assertEquals("AS_GIVEN", steps.get(answered).path("kind").asString());
        assertEquals(0, steps.get(answered).path("rcode").asInt(), "NOERROR");
        List<JsonNode> wasted = steps.subList(0, answered);
        assertTrue(wasted.stream().allMatch(s -> s.path("rcode").asInt() == 3), "all NXDOMAIN: " + wasted);
        assertEquals(List.of("NAMESPACE", "SERVICE", "CLUSTER"),
                wasted.stream().map(s -> s.path("kind").asString()).distinct().toList());
        int qtypes = chain.path("qtypes").size();
        assertEquals(3 * qtypes, wasted.size(), "three names x " + qtypes + " qtypes before the answer");
        int retries = wasted.stream().mapToInt(s -> s.path("retries").asInt()).sum();
        assertEquals(wasted.size() + retries, chain.path("wastedQueries").asInt());
        String fix = chain.path("suggestedFix").asString();
        assertTrue(fix.contains("www.example.") && fix.contains("ndots"), fix);
    }

    @Test
    void aServiceInAnotherNamespaceAnswersAtTheServiceSuffix() throws Exception {
        PodNetwork.Pod pod = network.pod(2);
        PodNetwork.Result lookup = network.exec(pod, LOOKUP_TIMEOUT, "getent", "hosts", "kubernetes.default");
        assertEquals(0, lookup.exit(), "getent hosts kubernetes.default in " + pod.netns() + ": " + lookup);
        assertTrue(lookup.stdout().startsWith("10.96.0.1 "), lookup.stdout());

        JsonNode chain = awaitChain(c -> c.path("client").asString().equals("10.244.2.2")
                && c.path("baseName").asString().equals("kubernetes.default")
                && c.path("answeredStep").asInt() >= 0);

        assertEquals("shop", chain.path("namespace").asString());
        assertEquals(List.of("shop.svc.cluster.local", "svc.cluster.local"), strings(chain.path("searchDomains")));
        List<JsonNode> steps = list(chain.path("steps"));
        int answered = chain.path("answeredStep").asInt();
        JsonNode answer = steps.get(answered);
        assertEquals("kubernetes.default.svc.cluster.local.", answer.path("name").asString());
        assertEquals("SERVICE", answer.path("kind").asString());
        assertEquals(0, answer.path("rcode").asInt(), "NOERROR");
        // Every query before the answer was for the namespace suffix, and NXDOMAIN (one per qtype glibc asked).
        List<JsonNode> wasted = steps.subList(0, answered);
        assertEquals(chain.path("qtypes").size(), wasted.size(), chain.toPrettyString());
        assertTrue(wasted.stream().allMatch(s -> s.path("name").asString()
                .equals("kubernetes.default.shop.svc.cluster.local.") && s.path("rcode").asInt() == 3), "NXDOMAIN");
        assertEquals(wasted.size(), chain.path("wastedQueries").asInt());
        assertTrue(chain.path("suggestedFix").asString().contains("kubernetes.default.svc.cluster.local."),
                chain.path("suggestedFix").asString());
    }

    /** Polls the API until a chain matches: the dispatcher hands events to the detector within milliseconds. */
    private static JsonNode awaitChain(Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode chains;
        do {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + webPort + "/api/v1/chains")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode(), r.body());
            chains = JSON.readTree(r.body());
            for (JsonNode c : chains) {
                if (wanted.test(c)) {
                    System.out.println("GET /api/v1/chains match:\n" + c.toPrettyString());
                    return c;
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no such chain in GET /api/v1/chains: " + chains.toPrettyString()
                + "\nupstream received: " + upstream.received().stream()
                        .map(q -> q.name() + " " + org.xbill.DNS.Type.string(q.type())).toList());
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    private static List<String> strings(JsonNode array) {
        return list(array).stream().map(JsonNode::asString).toList();
    }
}
