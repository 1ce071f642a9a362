package io.nodecache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A kube-proxy node, for real, in network namespaces: a "node" namespace whose fake kube-proxy DNATs the kube-dns IP
 * (10.96.0.10) to a fake CoreDNS (dnsmasq on 10.244.0.53, answering every name with 203.0.113.99), pods behind veths
 * whose glibc resolvers use the kube-dns IP or the link-local IP (169.254.20.10) with {@code attempts:2 timeout:1},
 * and nodecache instances started in the node namespace as their own JVMs (optionally under the image's
 * supervisor), forwarding to another dnsmasq (10.244.0.54, answering 198.51.100.1): the answer says who answered.
 * Needs root, iproute2, iptables and dnsmasq (CI installs them).
 */
final class KubeProxyNode implements AutoCloseable {

    static final String LINK_LOCAL = "169.254.20.10";
    static final String KUBE_DNS = "10.96.0.10";
    static final String COREDNS = "10.244.0.53";
    static final String UPSTREAM = "10.244.0.54";
    static final String FROM_NODECACHE = "198.51.100.1";
    static final String FROM_COREDNS = "203.0.113.99";
    static final Duration WAIT = Duration.ofSeconds(90);

    final String id = Long.toString(ProcessHandle.current().pid() % 100_000, 36)
            + Long.toString(System.nanoTime() % 1296, 36);
    final String node = "nc-kp-" + id + "-n";
    final List<String> pods = new ArrayList<>();
    final Path work;
    private final List<Process> processes = new ArrayList<>();
    /** Where each instance's output begins in its name's log: a restart appends to the same file. */
    private final Map<Process, Long> logStarts = new ConcurrentHashMap<>();

    KubeProxyNode() throws IOException {
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
        processes.add(dnsmasq(COREDNS, FROM_COREDNS));
        processes.add(dnsmasq(UPSTREAM, FROM_NODECACHE));
    }

    /** A pod behind a veth, its resolver pointed at {@code nameserver}; returns the pod's namespace. */
    String addPod(String nameserver) throws IOException {
        int i = pods.size() + 1;
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
        return pod;
    }

    /**
     * Starts a nodecache instance named {@code name} (its log is {@code work/NAME.log}, its state directory
     * {@code work/NAME-state}: each instance is its own container) with the local IPs on {@code lo} and node-cache's
     * rules, the Corefile {@code corefile}, and {@code extra} arguments.
     */
    Process startNodecache(String name, boolean supervised, String corefile, String... extra) throws IOException {
        return startNodecache(name, supervised, corefile, List.of(), extra);
    }

    /** As above, with these JVM flags. */
    Process startNodecache(String name, boolean supervised, String corefile, List<String> jvmFlags, String... extra)
            throws IOException {
        Path conf = work.resolve(name + ".Corefile");
        Files.writeString(conf, corefile);
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node));
        if (supervised) {
            // The container's entrypoint, the very file the image runs.
            argv.addAll(List.of("sh",
                    Path.of("src", "main", "sh", "nodecache-supervisor").toAbsolutePath().toString()));
        }
        // The flags the image ships (src/main/jvm/jvm.options, its 64 MiB heap included), then the test's own
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("src", "main", "jvm", "jvm.options").toAbsolutePath()));
        argv.addAll(jvmFlags);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.nodecache.NodecacheApplication",
                "--nodecache.conf=" + conf, "--nodecache.embedded-upstream=false", "--nodecache.demo.enabled=false",
                "--nodecache.upstream-servers=" + UPSTREAM, "--localip=" + LINK_LOCAL + "," + KUBE_DNS,
                "--setupinterface=true", "--setupiptables=true", "--server.port=18080", "--syncinterval=2s"));
        argv.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("NODECACHE_STATE_DIR", work.resolve(name + "-state").toString());
        long logStart = Files.exists(log(name)) ? Files.size(log(name)) : 0;
        Process p = pb.start();
        processes.add(p);
        logStarts.put(p, logStart);
        return p;
    }

    Path log(String name) {
        return work.resolve(name + ".log");
    }

    /** A shell command run in {@code pod}'s namespace in the background, its output to {@code work/FILE}. */
    Process inPod(String pod, String file, String script) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", pod, "sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(work.resolve(file).toFile()).start();
        processes.add(p);
        return p;
    }

    /** nodecache's rules in the node's iptables-save, one line each. */
    List<String> nodeCacheRules() {
        return out("ip", "netns", "exec", node, "iptables-save").lines()
                .filter(l -> l.startsWith("-A ") && l.contains("NodeLocal DNS Cache")).toList();
    }

    String addresses() {
        return out("ip", "-n", node, "-o", "addr", "show");
    }

    /** The first address {@code pod}'s glibc resolver gets for www.example, or "exit N". */
    String lookup(String pod) {
        PodNetwork.Result r = run(Duration.ofSeconds(10), "ip", "netns", "exec", pod, "getent", "hosts", "www.example");
        return r.exit() == 0 ? r.stdout().strip().split("\\s+")[0] : "exit " + r.exit();
    }

    void awaitAnswer(String pod, String want, Process instance, String name) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String got;
        do {
            got = lookup(pod);
            if (got.equals(want)) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline && instance.isAlive());
        throw new AssertionError(pod + " got " + got + ", not " + want + "; " + name + "'s log:\n"
                + Files.readString(log(name)));
    }

    /** Waits until {@code instance} itself (not an earlier instance under the same name) has logged {@code text}. */
    void awaitLog(String name, String text, Process instance) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long from = logStarts.getOrDefault(instance, 0L);
        while (System.nanoTime() < deadline && instance.isAlive()) {
            if (Files.exists(log(name))) {
                byte[] all = Files.readAllBytes(log(name));
                String own = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                        java.nio.charset.StandardCharsets.UTF_8);
                if (own.contains(text)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in " + name + "'s log:\n" + Files.readString(log(name)));
    }

    /** The JVM a supervisor started (its one java descendant). */
    static ProcessHandle jvmUnder(Process supervisor) throws Exception {
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

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (String pod : pods) {
            run(Duration.ofSeconds(10), "ip", "netns", "del", pod);
            deleteTree(Path.of("/etc/netns", pod));
        }
        run(Duration.ofSeconds(10), "ip", "netns", "del", node);
        deleteTree(work);
    }

    private Process dnsmasq(String address, String answer) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", node, "dnsmasq", "--keep-in-foreground", "--no-resolv",
                "--no-hosts", "--conf-file=/dev/null", "--bind-interfaces", "--listen-address=" + address,
                "--except-interface=nothing", "--address=/#/" + answer, "--user=root", "--pid-file=")
                .redirectErrorStream(true).redirectOutput(work.resolve("dnsmasq-" + address + ".log").toFile())
                .start();
    }

    static void ok(String... argv) {
        PodNetwork.Result r = run(Duration.ofSeconds(10), argv);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + r.stderr() + r.stdout());
        }
    }

    static String out(String... argv) {
        PodNetwork.Result r = run(Duration.ofSeconds(10), argv);
        assertEquals(0, r.exit(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }

    static PodNetwork.Result run(Duration timeout, String... argv) {
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
