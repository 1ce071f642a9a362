package io.nodecache.e2e;

import static io.nodecache.e2e.KubeProxyNode.FROM_COREDNS;
import static io.nodecache.e2e.KubeProxyNode.FROM_NODECACHE;
import static io.nodecache.e2e.KubeProxyNode.KUBE_DNS;
import static io.nodecache.e2e.KubeProxyNode.LINK_LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DaemonSet rollout with {@code maxSurge: 1, maxUnavailable: 0} on one kube-proxy node, for real: instance A serves
 * (under the image's supervisor), pods look names up without pause, instance B starts beside A on the same addresses
 * and ports (SO_REUSEPORT), A is sent SIGTERM, goes unready, keeps answering through its lameduck period, stops, and
 * leaves the rules and addresses to B. No lookup fails, every answer is nodecache's (none fell through to CoreDNS),
 * and the rules are there once each afterwards. Then B stops alone and removes them.
 */
class SurgeHandoverEndToEndTest {

    static final String COREFILE = ".:53 {\n"
            + "    errors\n"
            + "    cache 30\n"
            + "    bind " + LINK_LOCAL + " " + KUBE_DNS + "\n"
            + "    forward . " + KubeProxyNode.UPSTREAM + "\n"
            + "    health " + LINK_LOCAL + ":8080 {\n"
            + "        lameduck 2s\n"
            + "    }\n"
            + "    prometheus " + LINK_LOCAL + ":9253\n"
            + "}\n";

    KubeProxyNode node;

    @BeforeEach
    void buildTheNode() throws Exception {
        node = new KubeProxyNode();
        node.addPod(KUBE_DNS);
        node.addPod(LINK_LOCAL);
    }

    @AfterEach
    void tearDownTheNode() throws Exception {
        node.close();
    }

    private static String now() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    /** The readiness probe the chart runs in the container: its exit status and what it printed. */
    private String probe(String instance) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh",
                java.nio.file.Path.of("src", "main", "sh", "nodecache-supervisor").toAbsolutePath().toString(),
                "--probe-ready").redirectErrorStream(true);
        pb.environment().put("NODECACHE_STATE_DIR", node.work.resolve(instance + "-state").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue() + " " + out;
    }

    private void awaitProbe(String instance, int status) throws Exception {
        long deadline = System.nanoTime() + KubeProxyNode.WAIT.toNanos();
        String got = probe(instance);
        while (!got.startsWith(status + " ") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            got = probe(instance);
        }
        assertTrue(got.startsWith(status + " "), instance + "'s probe: " + got);
    }

    @Test
    void aSurgeRolloutLosesNoLookupAndLeavesTheRulesToTheNewInstance() throws Exception {
        Process a = node.startNodecache("a", true, COREFILE);
        node.awaitAnswer(node.pods.get(0), FROM_NODECACHE, a, "a");
        node.awaitAnswer(node.pods.get(1), FROM_NODECACHE, a, "a");
        // the rules go in one by one once the listeners are bound, so a pod can be answered before the last is in;
        // the node logs that it serves once they all are
        node.awaitLog("a", "nodecache serving DNS on", a);
        int rules = node.nodeCacheRules().size();

        // Lookups without pause: the pods' glibc resolvers (attempts:2 timeout:1), and dig with one try and no
        // retry, whose timeouts count the queries lost on the way.
        String stop = node.work.resolve("stop").toString();
        for (int i = 0; i < 2; i++) {
            String pod = node.pods.get(i);
            node.inPod(pod, "getent-" + i, "while [ ! -e " + stop + " ]; do "
                    + "if r=$(getent hosts www.example); then echo \"$(date +%s.%N) ok ${r%% *}\"; "
                    + "else echo \"$(date +%s.%N) failed\"; fi; done");
            node.inPod(pod, "dig-" + i, "while [ ! -e " + stop + " ]; do "
                    + "if r=$(dig +tries=1 +time=1 +short @" + (i == 0 ? KUBE_DNS : LINK_LOCAL) + " www.example); "
                    + "then echo \"$(date +%s.%N) ok $r\"; else echo \"$(date +%s.%N) lost\"; fi; done");
        }
        Thread.sleep(1000);

        System.out.println("handover: B starts at " + now());
        Process b = node.startNodecache("b", true, COREFILE);
        node.awaitLog("b", "Started NodecacheApplication", b);
        String bLog = Files.readString(node.log("b"));
        assertTrue(bLog.contains("another instance serves"), "B found A serving and kept its rules: " + bLog);
        assertTrue(bLog.contains("joining it once this JVM has started"), "B joins when it is warm: " + bLog);
        awaitProbe("b", 0); // the kubelet's exec probe of the new pod asks B, not whoever holds the health port

        System.out.println("handover: B ready, A gets SIGTERM at " + now());
        long sigterm = System.nanoTime();
        a.destroy(); // the kubelet's SIGTERM to the old pod, once the new one is ready
        node.awaitLog("a", "lameduck", a);
        assertTrue(a.isAlive(), "A is still in its lameduck period");
        assertTrue(probe("a").startsWith("1 shutting down (lameduck)"), "A is unready as soon as it is told to stop");
        assertTrue(a.waitFor(30, TimeUnit.SECONDS), "A stopped");
        long stopped = System.nanoTime();
        System.out.println("handover: A exited at " + now());
        Thread.sleep(3000); // B alone now
        Files.writeString(node.work.resolve("stop"), "");
        Thread.sleep(2500); // the loops see the stop file

        String aLog = Files.readString(node.log("a"));
        assertTrue(aLog.contains("rules and addresses left to it"), aLog);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(stopped - sigterm) >= 2000, "A answered through its lameduck");
        Map<String, Long> total = new java.util.TreeMap<>();
        for (String file : List.of("getent-0", "getent-1", "dig-0", "dig-1")) {
            List<String> lines = Files.readAllLines(node.work.resolve(file));
            lines.stream().filter(l -> !l.contains(" ok ")).forEach(l -> System.out.println("handover " + file + " " + l));
            Map<String, Long> outcomes = lines.stream().map(l -> l.substring(l.indexOf(' ') + 1))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            System.out.println("handover " + file + ": " + outcomes);
            outcomes.forEach((k, v) -> total.merge(file.replaceAll("-\\d", "") + " " + k, v, Long::sum));
            assertTrue(outcomes.getOrDefault("ok " + FROM_NODECACHE, 0L) >= 20, file + " looked names up: " + outcomes);
            assertTrue(!outcomes.containsKey("ok " + FROM_COREDNS), file + ": nothing fell through to CoreDNS");
            if (file.startsWith("getent")) {
                assertEquals(Map.of("ok " + FROM_NODECACHE, outcomes.get("ok " + FROM_NODECACHE)), outcomes,
                        file + ": no lookup failed");
            }
        }
        System.out.println("handover totals: " + total);

        List<String> after = node.nodeCacheRules();
        assertEquals(rules, after.size(), "every rule still there, once: " + after);
        assertEquals(after.size(), new HashSet<>(after).size(), "no duplicates: " + after);
        assertTrue(node.addresses().contains(KUBE_DNS + "/32"), "the kube-dns IP stays on the node");
        assertEquals(FROM_NODECACHE, node.lookup(node.pods.get(0)), "B answers");

        assertEquals("0 ", probe("b"), "B is ready");

        // B is the last instance: it removes everything when it stops, and pods go back to CoreDNS.
        b.destroy();
        assertTrue(b.waitFor(30, TimeUnit.SECONDS), "B stopped");
        assertEquals(List.of(), node.nodeCacheRules());
        assertEquals(FROM_COREDNS, node.lookup(node.pods.get(0)), "back to CoreDNS through kube-proxy");
    }
}
