package io.nodecache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kube-proxy node, for real, in network namespaces: a "node" namespace whose fake kube-proxy DNATs the kube-dns IP
 * (10.96.0.10) to a fake CoreDNS (dnsmasq on 10.244.0.53, answering www.example with 203.0.113.99), and two pods whose
 * glibc resolvers use the kube-dns IP and the link-local IP (169.254.20.10). nodecache runs in the node namespace as
 * its own JVM with {@code --localip=169.254.20.10,10.96.0.10 --setupinterface --setupiptables}, forwarding to another
 * dnsmasq (10.244.0.54, answering 198.51.100.1): the answer says who answered. While nodecache runs, both pods get
 * nodecache's answer; after SIGTERM every rule and address is gone and the kube-dns pod gets CoreDNS's again, through
 * kube-proxy's DNAT. Needs root, iproute2, iptables and dnsmasq (CI installs them).
 */
class KubeProxyNodeEndToEndTest {

    static final String LINK_LOCAL = "169.254.20.10";
    static final String KUBE_DNS = "10.96.0.10";
    static final String COREDNS = "10.244.0.53";
    static final String UPSTREAM = "10.244.0.54";
    static final String FROM_NODECACHE = "198.51.100.1";
    static final String FROM_COREDNS = "203.0.113.99";
    static final Duration WAIT = Duration.ofSeconds(40);

    final String id = Long.toString(ProcessHandle.current().pid() % 100_000, 36)
            + Long.toString(System.nanoTime() % 1296, 36);
    final String node = "nc-kp-" + id + "-n";
    final List<String> pods = new ArrayList<>();
    final List<Process> daemons = new ArrayList<>();
    Path work;
    Process nodecache;

    @BeforeEach
    void buildTheNode() throws Exception {
        work = Files.createTempDirectory("nodecache-kubeproxy-");
        ok("ip", "netns", "add", node);
        ok("ip", "-n", node, "link", "set", "lo", "up");
        ok("ip", "-n", node, "addr", "add", COREDNS + "/32", "dev", "lo");
        ok("ip", "-n", node, "addr", "add", UPSTREAM + "/32", "dev", "lo");
        // kube-proxy's part: the service IP goes to CoreDNS's pod, for pods (PREROUTING) and the node (OUTPUT).
        for (String chain : List.of("PREROUTING", "OUTPUT")) {
            for (String proto : List.of("udp", "tcp")) {
                ok("ip", "netns", "exec", node, "iptables", "-w", "-t", "nat", "-A", chain, "-d", KUBE_DNS + "/32",
                        "-p", proto, "--dport", "53", "-j", "DNAT", "--to-destination", COREDNS + ":53");
            }
        }
        daemons.add(dnsmasq(COREDNS, FROM_COREDNS));
        daemons.add(dnsmasq(UPSTREAM, FROM_NODECACHE));
        addPod(1, KUBE_DNS);
        addPod(2, LINK_LOCAL);
    }

    @AfterEach
    void tearDownTheNode() throws Exception {
        if (nodecache != null && nodecache.isAlive()) {
            nodecache.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        daemons.forEach(Process::destroyForcibly);
        for (String pod : pods) {
            run(Duration.ofSeconds(10), "ip", "netns", "del", pod);
            deleteTree(Path.of("/etc/netns", pod));
        }
        run(Duration.ofSeconds(10), "ip", "netns", "del", node);
        deleteTree(work);
    }

    @Test
    void podsReachNodecacheWhileItRunsAndCoreDnsThroughKubeProxyAfterSigterm() throws Exception {
        // Before nodecache: kube-proxy's DNAT takes the kube-dns pod to CoreDNS.
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "kube-proxy's path works before nodecache");

        nodecache = startNodecache();
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        awaitAnswer(pods.get(1), FROM_NODECACHE);
        String rules = out("ip", "netns", "exec", node, "iptables-save");
        for (String ip : List.of(LINK_LOCAL, KUBE_DNS)) {
            assertTrue(rules.contains("-A PREROUTING -d " + ip + "/32 -p udp -m udp --dport 53"), rules);
            assertTrue(rules.contains("-A INPUT -d " + ip + "/32 -p tcp -m tcp --dport 53"), rules);
        }
        assertTrue(out("ip", "-n", node, "-o", "addr", "show").contains(KUBE_DNS + "/32"));

        // SIGTERM: the node removes its rules and addresses first, and exits.
        nodecache.destroy();
        assertTrue(nodecache.waitFor(30, TimeUnit.SECONDS), "exited after SIGTERM");
        String after = out("ip", "netns", "exec", node, "iptables-save");
        assertTrue(!after.contains(LINK_LOCAL) && !after.contains("NodeLocal DNS Cache"), after);
        assertTrue(!out("ip", "-n", node, "-o", "addr", "show").contains(KUBE_DNS + "/32"), "kube-dns IP removed");
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
        ProcessHandle jvm = jvmUnder(nodecache);

        jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs; the supervisor must tear down
        assertTrue(nodecache.waitFor(40, TimeUnit.SECONDS), "the supervisor exited after its teardown");
        assertEquals(137, nodecache.exitValue(), "the JVM's status: killed by signal 9");
        String after = out("ip", "netns", "exec", node, "iptables-save");
        assertTrue(!after.contains("NodeLocal DNS Cache"), after);
        assertTrue(!out("ip", "-n", node, "-o", "addr", "show").contains(KUBE_DNS + "/32"), "kube-dns IP removed");
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
        ProcessHandle jvm = jvmUnder(nodecache);
        String rules = out("ip", "netns", "exec", node, "iptables-save");
        for (String ip : List.of(LINK_LOCAL, KUBE_DNS)) {
            assertTrue(rules.contains("-A PREROUTING -d " + ip + "/32 -p udp -m udp --dport 53"), rules);
            assertTrue(rules.contains("-A INPUT -d " + ip + "/32 -p tcp -m tcp --dport 53"), rules);
        }
        String addresses = out("ip", "-n", node, "-o", "addr", "show");
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
        Path marker = work.resolve("state").resolve("torn-down");
        if (Files.exists(marker)) {
            assertTrue(!Files.readString(marker).strip().equals(Long.toString(jvm.pid())),
                    "the marker is not the node JVM's");
        }

        String after = out("ip", "netns", "exec", node, "iptables-save");
        assertEquals(List.of(), nodeCacheRules(), after);
        assertTrue(!after.contains(LINK_LOCAL), after);
        // What names the kube-dns IP now is kube-proxy's alone: its four DNATs.
        assertEquals(List.of("DNAT", "DNAT", "DNAT", "DNAT"), after.lines()
                .filter(l -> l.startsWith("-A ") && l.contains(KUBE_DNS + "/32"))
                .map(l -> l.contains("-j DNAT ") ? "DNAT" : l).toList(), after);
        String left = out("ip", "-n", node, "-o", "addr", "show");
        assertTrue(!left.contains(LINK_LOCAL + "/32") && !left.contains(KUBE_DNS + "/32"), "addresses removed: " + left);
        assertEquals(FROM_COREDNS, lookup(pods.get(0)), "back to CoreDNS through kube-proxy");
    }

    @Test
    void aStartAfterBothWereKilledRemovesWhatTheyLeftFirst() throws Exception {
        nodecache = startNodecache(true);
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        int rules = nodeCacheRules().size();
        ProcessHandle jvm = jvmUnder(nodecache);
        nodecache.toHandle().destroyForcibly(); // the supervisor first, so nobody tears down
        jvm.destroyForcibly();
        nodecache.waitFor(10, TimeUnit.SECONDS);
        jvm.onExit().get(10, TimeUnit.SECONDS);
        assertEquals(rules, nodeCacheRules().size(), "left behind: pods would be sent to nothing");

        nodecache = startNodecache(true);
        awaitAnswer(pods.get(0), FROM_NODECACHE);
        List<String> now = nodeCacheRules();
        assertEquals(rules, now.size(), "one copy of each rule, not two: " + now);
        nodecache.destroy();
        assertTrue(nodecache.waitFor(40, TimeUnit.SECONDS));
        assertEquals(List.of(), nodeCacheRules());
        assertEquals(FROM_COREDNS, lookup(pods.get(0)));
    }

    private void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && nodecache.isAlive()) {
            if (Files.readString(work.resolve("nodecache.log")).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the node's log:\n"
                + Files.readString(work.resolve("nodecache.log")));
    }

    private List<String> nodeCacheRules() {
        return out("ip", "netns", "exec", node, "iptables-save").lines()
                .filter(l -> l.startsWith("-A ") && l.contains("NodeLocal DNS Cache")).toList();
    }

    /** The JVM the supervisor started (its one java descendant). */
    private static ProcessHandle jvmUnder(Process supervisor) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            java.util.Optional<ProcessHandle> jvm = supervisor.toHandle().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
            if (jvm.isPresent()) {
                return jvm.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no JVM under the supervisor");
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
        Path corefile = work.resolve("Corefile");
        Files.writeString(corefile, ".:53 {\n    bind " + LINK_LOCAL + " " + KUBE_DNS + "\n    cache 30\n"
                + "    forward . " + UPSTREAM + "\n}\n");
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node));
        if (supervised) {
            // The container's entrypoint, the very file the image runs.
            argv.addAll(List.of("sh",
                    Path.of("src", "main", "sh", "nodecache-supervisor").toAbsolutePath().toString()));
        }
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m"));
        argv.addAll(jvmFlags);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.nodecache.NodecacheApplication",
                "--nodecache.conf=" + corefile, "--nodecache.embedded-upstream=false", "--nodecache.demo.enabled=false",
                "--nodecache.upstream-servers=" + UPSTREAM, "--localip=" + LINK_LOCAL + "," + KUBE_DNS,
                "--setupinterface=true", "--setupiptables=true", "--server.port=18080", "--syncinterval=2s"));
        argv.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("nodecache.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("NODECACHE_STATE_DIR", work.resolve("state").toString());
        return pb.start();
    }

    private Process dnsmasq(String address, String answer) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", node, "dnsmasq", "--keep-in-foreground", "--no-resolv",
                "--no-hosts", "--conf-file=/dev/null", "--bind-interfaces", "--listen-address=" + address,
                "--except-interface=nothing", "--address=/#/" + answer, "--user=root", "--pid-file=")
                .redirectErrorStream(true).redirectOutput(work.resolve("dnsmasq-" + address + ".log").toFile())
                .start();
    }

    private void addPod(int i, String nameserver) throws IOException {
        String pod = "nc-kp-" + id + "-p" + i;
        String hostVeth = "nck" + id + "h" + i;
        ok("ip", "netns", "add", pod);
        pods.add(pod);
        ok("ip", "-n", pod, "link", "set", "lo", "up");
        ok("ip", "-n", node, "link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", pod);
        ok("ip", "-n", node, "addr", "add", "10.244." + i + ".1/30", "dev", hostVeth);
        ok("ip", "-n", node, "link", "set", hostVeth, "up");
        ok("ip", "-n", pod, "addr", "add", "10.244." + i + ".2/30", "dev", "eth0");
        ok("ip", "-n", pod, "link", "set", "eth0", "up");
        ok("ip", "-n", pod, "route", "add", "default", "via", "10.244." + i + ".1");
        Path etc = Path.of("/etc/netns", pod);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver " + nameserver + "\noptions attempts:2 timeout:1\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "hosts: dns\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
    }

    private String lookup(String pod) {
        PodNetwork.Result r = run(Duration.ofSeconds(10), "ip", "netns", "exec", pod, "getent", "hosts", "www.example");
        return r.exit() == 0 ? r.stdout().strip().split("\\s+")[0] : "exit " + r.exit();
    }

    private void awaitAnswer(String pod, String want) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String got;
        do {
            got = lookup(pod);
            if (got.equals(want)) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline && nodecache.isAlive());
        throw new AssertionError(pod + " got " + got + ", not " + want + "; nodecache log:\n"
                + Files.readString(work.resolve("nodecache.log")));
    }

    private static void ok(String... argv) {
        PodNetwork.Result r = run(Duration.ofSeconds(10), argv);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + r.stderr() + r.stdout());
        }
    }

    private static String out(String... argv) {
        PodNetwork.Result r = run(Duration.ofSeconds(10), argv);
        assertEquals(0, r.exit(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }

    private static PodNetwork.Result run(Duration timeout, String... argv) {
        return PodNetwork.run(List.of(argv), timeout);
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
