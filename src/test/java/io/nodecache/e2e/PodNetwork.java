package io.nodecache.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Pods as network namespaces joined to this (the root) namespace by veth pairs, after {@code shared/netns/pods.sh}
 * but with the host as the node: for pod i the host side is 10.244.i.1/30 here and the pod side 10.244.i.2/30 in
 * {@code nc-e2e-<run>-pod<i>}, whose {@code /etc/netns/<name>/resolv.conf} names 10.244.i.1 and carries the pod's
 * search list and {@code ndots:5}. {@code ip netns exec} bind-mounts those files over {@code /etc}, so glibc in the
 * namespace resolves as a pod does.
 *
 * <p>Names carry a per-run id so parallel runs do not clash; {@link #close()} deletes every namespace (which takes
 * its veth pair with it) and {@code /etc/netns} directory it made, whatever failed in between.
 */
final class PodNetwork implements AutoCloseable {

    static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    /** One pod: its namespace, Kubernetes namespace and the two ends of its link. */
    record Pod(int index, String netns, String namespace, String podIp, String nodeIp) {}

    /** What a command printed and how it ended. */
    record Result(int exit, String stdout, String stderr) {

        List<String> lines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private final String run;
    private final List<Pod> pods = new ArrayList<>();
    private final List<String> createdNetns = new ArrayList<>();
    private final List<Path> createdEtc = new ArrayList<>();

    private PodNetwork(String run) {
        this.run = run;
    }

    /**
     * Creates one pod per Kubernetes namespace given, pod i (from 1) in {@code namespaces.get(i - 1)}.
     *
     * @throws AssertionError when not root or {@code ip netns} does not work here: the test needs both, and CI has
     *                        them, so it fails rather than skips
     */
    static PodNetwork create(List<String> namespaces) {
        requireRootAndIpNetns();
        String run = Long.toString(ProcessHandle.current().pid() % 100_000, 36)
                + Long.toString(System.nanoTime() % 1296, 36);
        PodNetwork network = new PodNetwork(run);
        try {
            for (int i = 1; i <= namespaces.size(); i++) {
                network.addPod(i, namespaces.get(i - 1));
            }
            return network;
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    private void addPod(int i, String namespace) {
        String netns = "nc-e2e-" + run + "-pod" + i;
        // Interface names are at most 15 bytes.
        String hostVeth = "nce" + run + "h" + i;
        String nodeIp = "10.244." + i + ".1";
        String podIp = "10.244." + i + ".2";
        ip("netns", "add", netns);
        createdNetns.add(netns);
        ip("-n", netns, "link", "set", "lo", "up");
        ip("link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", netns);
        ip("addr", "add", nodeIp + "/30", "dev", hostVeth);
        ip("link", "set", hostVeth, "up");
        ip("-n", netns, "addr", "add", podIp + "/30", "dev", "eth0");
        ip("-n", netns, "link", "set", "eth0", "up");
        ip("-n", netns, "route", "add", "default", "via", nodeIp);
        Path etc = Path.of("/etc/netns", netns);
        try {
            Files.createDirectories(etc);
            createdEtc.add(etc);
            Map<String, String> values = Map.of("NODE_IP", nodeIp, "NAMESPACE", namespace);
            Files.writeString(etc.resolve("resolv.conf"), resource("resolv.conf.pod", values));
            Files.writeString(etc.resolve("nsswitch.conf"), resource("nsswitch.conf.pod", values));
            Files.writeString(etc.resolve("hosts"), resource("hosts.pod", values));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + etc, e);
        }
        pods.add(new Pod(i, netns, namespace, podIp, nodeIp));
    }

    List<Pod> pods() {
        return pods;
    }

    Pod pod(int index) {
        return pods.get(index - 1);
    }

    /** Runs {@code command} inside the pod's namespace (with its /etc/netns files mounted over /etc). */
    Result exec(Pod pod, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", pod.netns()));
        argv.addAll(List.of(command));
        return run(argv, timeout);
    }

    /** A test resource under {@code netns/} with {@code ${KEY}} replaced from {@code values}. */
    static String resource(String name, Map<String, String> values) {
        try (InputStream in = PodNetwork.class.getResourceAsStream("/netns/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource netns/" + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> e : values.entrySet()) {
                text = text.replace("${" + e.getKey() + "}", e.getValue());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<String> problems = new ArrayList<>();
        for (String netns : createdNetns) {
            Result r = run(List.of("ip", "netns", "del", netns), IP_TIMEOUT);
            if (r.exit() != 0) {
                problems.add("ip netns del " + netns + ": " + r.stderr().strip());
            }
        }
        for (Path etc : createdEtc) {
            try (Stream<Path> files = Files.walk(etc)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                problems.add("rm -r " + etc + ": " + e);
            }
        }
        createdNetns.clear();
        createdEtc.clear();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("tearing down the pod namespaces: " + problems);
        }
    }

    private static void requireRootAndIpNetns() {
        Result id = run(List.of("id", "-u"), IP_TIMEOUT);
        if (!"0".equals(id.stdout().strip())) {
            throw new AssertionError("GlibcChainsEndToEndTest needs root (it creates network namespaces, veth pairs"
                    + " and /etc/netns files, and binds port 53); running as uid " + id.stdout().strip()
                    + ". Run it as root, as CI does.");
        }
        Result list = run(List.of("ip", "netns", "list"), IP_TIMEOUT);
        if (list.exit() != 0) {
            throw new AssertionError("GlibcChainsEndToEndTest needs iproute2 with 'ip netns': 'ip netns list'"
                    + " exited " + list.exit() + ": " + list.stderr().strip());
        }
    }

    private static void ip(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("ip");
        argv.addAll(List.of(args));
        Result r = run(argv, IP_TIMEOUT);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exit() + ": "
                    + r.stderr().strip());
        }
    }

    /** Runs a command with a timeout; a missing binary or a timeout is exit 127 or 124 with the reason on stderr. */
    static Result run(List<String> argv, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        try {
            // Outputs here are a few lines: reading them after exit cannot fill a pipe.
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, "", String.join(" ", argv) + " timed out after " + timeout);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(124, "", "interrupted");
        } catch (IOException e) {
            return new Result(1, "", e.toString());
        }
    }
}
