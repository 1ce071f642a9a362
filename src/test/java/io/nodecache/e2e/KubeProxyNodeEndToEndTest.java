package io.nodecache.e2e;

import static io.nodecache.e2e.KubeProxyNode.FROM_COREDNS;
import static io.nodecache.e2e.KubeProxyNode.FROM_NODECACHE;
import static io.nodecache.e2e.KubeProxyNode.KUBE_DNS;
import static io.nodecache.e2e.KubeProxyNode.LINK_LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kube-proxy node, for real, in network namespaces ({@link KubeProxyNode}): a fake kube-proxy DNATs the kube-dns IP
 * (10.96.0.10) to a fake CoreDNS (answering 203.0.113.99), and two pods whose glibc resolvers use the kube-dns IP and
 * the link-local IP (169.254.20.10). nodecache runs in the node namespace as its own JVM with {@code --localip=169.254.20.10,10.96.0.10 --setupinterface --setupiptables}, forwarding to another
 * dnsmasq (10.244.0.54, answering 198.51.100.1): the answer says who answered. While nodecache runs, both pods get
 * nodecache's answer; after SIGTERM every rule and address is gone and the kube-dns pod gets CoreDNS's again, through
 * kube-proxy's DNAT. Needs root, iproute2, iptables and dnsmasq (CI installs them).
 */
class KubeProxyNodeEndToEndTest {

    static final String COREFILE = ".:53 {\n    bind " + LINK_LOCAL + " " + KUBE_DNS + "\n    cache 30\n"
            + "    forward . " + KubeProxyNode.UPSTREAM + "\n}\n";

    KubeProxyNode kp;
    List<String> pods;
    Path work;
    String node;
    Process nodecache;

    @BeforeEach
    void buildTheNode() throws Exception {
        kp = new KubeProxyNode();
        kp.addPod(KUBE_DNS);
        kp.addPod(LINK_LOCAL);
        pods = kp.pods;
        work = kp.work;
        node = kp.node;
    }

    @AfterEach
    void tearDownTheNode() throws Exception {
        kp.close();
    }

    @Test
    void podsReachNodecacheWhileItRunsAndCoreDnsThroughKubeProxyAfterSigterm() throws Exception {
        // Before nodecache: kube-proxy's DNAT takes the kube-dns pod to CoreDNS.
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "kube-proxy's path works before nodecache");

        nodecache = startNodecache();
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        awaitAnswer(pods.get(1), FROM_NODECACHE);
        String rules = KubeProxyNode.out("ip", "netns", "exec", node, "iptables-save");
        for (String ip : List.of(LINK_LOCAL, KUBE_DNS)) {
            assertTrue(rules.contains("-A PREROUTING -d " + ip + "/32 -p udp -m udp --dport 53"), rules);
            assertTrue(rules.contains("-A INPUT -d " + ip + "/32 -p tcp -m tcp --dport 53"), rules);
        }
        assertTrue(KubeProxyNode.out("ip", "-n", node, "-o", "addr", "show").contains(KUBE_DNS + "/32"));

        // SIGTERM: the node removes its rules and addresses first, and exits.
        nodecache.destroy();
        assertTrue(nodecache.waitFor(30, TimeUnit.SECONDS), "exited after SIGTERM");
        String after = KubeProxyNode.out("ip", "netns", "exec", node, "iptables-save");
        assertTrue(!after.contains(LINK_LOCAL) && !after.contains("NodeLocal DNS Cache"), after);
        assertTrue(!KubeProxyNode.out("ip", "-n", node, "-o", "addr", "show").contains(KUBE_DNS + "/32"), "kube-dns IP removed");
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "back to CoreDNS through kube-proxy");
    }

    @Test
    void aHangInShutdownDelaysNeitherTheTeardownNorTheExit() throws Exception {
        nodecache = startNodecache(false, "--nodecache.test.hang-on-stop=true");
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        // DNS answers before Spring has started (the node starts early); the hang lives in Spring's shutdown.
        awaitLog("Started NodecacheApplication");

        long t0 = System.nanoTime();
        nodecache.destroy();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
        while (!nodeCacheRules().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), nodeCacheRules(), "torn down while the shutdown hangs");
        assertTrue(nodecache.isAlive(), "the hang is real: the JVM is still stopping");
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "pods already back on CoreDNS");
        assertTrue(nodecache.waitFor(40, TimeUnit.SECONDS), "the watchdog ends the hung shutdown");
        String log = Files.readString(work.resolve("nodecache.log"));
        System.out.println(log);
        assertTrue(log.contains("hanging in stop, as asked"), "the shutdown did hang");
        assertTrue(log.contains("shutdown took longer than"), "and the watchdog ended it");
        assertEquals(143, nodecache.exitValue(), "halted by the watchdog");
    }

    @Test
    void aKill9OfTheJvmUnderTheSupervisorStillTearsDown() throws Exception {
        nodecache = startNodecache(true);
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        ProcessHandle jvm = KubeProxyNode.jvmUnder(nodecache);

        jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs; the supervisor must tear down
        assertTrue(nodecache.waitFor(40, TimeUnit.SECONDS), "the supervisor exited after its teardown");
        assertEquals(137, nodecache.exitValue(), "the JVM's status: killed by signal 9");
        String after = KubeProxyNode.out("ip", "netns", "exec", node, "iptables-save");
        assertTrue(!after.contains("NodeLocal DNS Cache"), after);
        assertTrue(!KubeProxyNode.out("ip", "-n", node, "-o", "addr", "show").contains(KUBE_DNS + "/32"), "kube-dns IP removed");
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "back to CoreDNS through kube-proxy");
    }

    /**
     * A real OutOfMemoryError: the JVM, run with {@code -XX:+ExitOnOutOfMemoryError} (the flag bench/lib.sh's
     * container flags carry; the project ships no flag list, so it is passed here), exits at once without its hooks,
     * and the supervisor's teardown puts the pods back on CoreDNS through kube-proxy.
     */
    @Test
    void anOutOfMemoryExitUnderTheSupervisorIsTornDownByTheSupervisor() throws Exception {
        nodecache = startNodecache(true, List.of("-XX:+ExitOnOutOfMemoryError"),
                "--nodecache.test.exhaust-heap-after=3s");
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        awaitAnswer(pods.get(1), FROM_NODECACHE);
        ProcessHandle jvm = KubeProxyNode.jvmUnder(nodecache);
        String rules = KubeProxyNode.out("ip", "netns", "exec", node, "iptables-save");
        for (String ip : List.of(LINK_LOCAL, KUBE_DNS)) {
            assertTrue(rules.contains("-A PREROUTING -d " + ip + "/32 -p udp -m udp --dport 53"), rules);
            assertTrue(rules.contains("-A INPUT -d " + ip + "/32 -p tcp -m tcp --dport 53"), rules);
        }
        String addresses = KubeProxyNode.out("ip", "-n", node, "-o", "addr", "show");
        assertTrue(addresses.contains(LINK_LOCAL + "/32") && addresses.contains(KUBE_DNS + "/32"), addresses);

        // Nobody signals anything from here: the JVM exhausts its heap and exits on its own.
        assertTrue(nodecache.waitFor(60, TimeUnit.SECONDS), "the JVM ran out of heap and the supervisor exited");
        String log = Files.readString(work.resolve("nodecache.log"));
        System.out.println(log);
        assertTrue(jvm.onExit().get(5, TimeUnit.SECONDS) != null && !jvm.isAlive(), "the JVM is gone");
        assertTrue(log.contains("exhausting the heap, as asked"), log);
        assertTrue(log.contains("Terminating due to java.lang.OutOfMemoryError"), "the JVM's own OOM exit: " + log);
        assertEquals(3, nodecache.exitValue(), "the JVM's status after -XX:+ExitOnOutOfMemoryError");
        assertTrue(log.contains("nodecache-supervisor: child exited with 3 without its own teardown: tearing down"),
                log);
        assertTrue(log.contains("netif: leftovers torn down") && log.contains("nodecache-supervisor: teardown done"),
                "the supervisor's teardown ran and completed: " + log);
        // The JVM did not tear down itself: no hook ran, and any marker is the supervisor's teardown run's.
        assertTrue(!log.contains("netif: torn down"), "no teardown by the JVM: " + log);
        Path marker = work.resolve("nodecache-state").resolve("torn-down");
        if (Files.exists(marker)) {
            assertTrue(!Files.readString(marker).strip().equals(Long.toString(jvm.pid())),
                    "the marker is not the node JVM's");
        }

        String after = KubeProxyNode.out("ip", "netns", "exec", node, "iptables-save");
        assertEquals(List.of(), nodeCacheRules(), after);
        assertTrue(!after.contains(LINK_LOCAL), after);
        // What names the kube-dns IP now is kube-proxy's alone: its four DNATs.
        assertEquals(List.of("DNAT", "DNAT", "DNAT", "DNAT"), after.lines()
                .filter(l -> l.startsWith("-A ") && l.contains(KUBE_DNS + "/32"))
                .map(l -> l.contains("-j DNAT ") ? "DNAT" : l).toList(), after);
        String left = KubeProxyNode.out("ip", "-n", node, "-o", "addr", "show");
        assertTrue(!left.contains(LINK_LOCAL + "/32") && !left.contains(KUBE_DNS + "/32"), "addresses removed: " + left);
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "back to CoreDNS through kube-proxy");
    }

    @Test
    void aStartAfterBothWereKilledRemovesWhatTheyLeftFirst() throws Exception {
        nodecache = startNodecache(true);
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        // the rules go in one by one once the listeners are bound, so a pod can be answered before the last is in;
        // the node logs that it serves once they all are
        awaitLog("nodecache serving DNS on");
        int rules = nodeCacheRules().size();
        ProcessHandle jvm = KubeProxyNode.jvmUnder(nodecache);
        nodecache.toHandle().destroyForcibly(); // the supervisor first, so nobody tears down
        jvm.destroyForcibly();
        nodecache.waitFor(10, TimeUnit.SECONDS);
        jvm.onExit().get(10, TimeUnit.SECONDS);
        assertEquals(rules, nodeCacheRules().size(), "left behind: pods would be sent to nothing");

        nodecache = startNodecache(true);
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        awaitLog("nodecache serving DNS on");
        List<String> now = nodeCacheRules();
        assertEquals(rules, now.size(), "one copy of each rule, not two: " + now);
        nodecache.destroy();
        assertTrue(nodecache.waitFor(40, TimeUnit.SECONDS));
        assertEquals(List.of(), nodeCacheRules());
        assertEquals(FROM_COREDNS, lookup(pods.get(0)));
    }

    private void awaitLog(String text) throws Exception {
        kp.awaitLog("nodecache", text, nodecache);
    }

    private List<String> nodeCacheRules() {
        return kp.nodeCacheRules();
    }

    private Process startNodecache() throws IOException {
        return startNodecache(false);
    }

    private Process startNodecache(boolean supervised) throws IOException {
        return startNodecache(supervised, new String[0]);
    }

    private Process startNodecache(boolean supervised, String... extra) throws IOException {
        return startNodecache(supervised, List.of(), extra);
    }

    /** The node in its namespace, under the supervisor if {@code supervised}, with these JVM flags and arguments. */
    private Process startNodecache(boolean supervised, List<String> jvmFlags, String... extra) throws IOException {
        return kp.startNodecache("nodecache", supervised, COREFILE, jvmFlags, extra);
    }

    private String lookup(String pod) {
        return kp.lookup(pod);
    }

    private void awaitAnswer(String pod, String want) throws Exception {
        kp.awaitAnswer(pod, want, nodecache, "nodecache");
    }
}
