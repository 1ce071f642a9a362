package io.nodecache.dashboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a real dashboard JVM against {@link SimulatedNodes} and prints one table: refresh time over all nodes, the
 * dashboard's heap after a full GC and its RSS, and what a refresh does when some nodes hang. Started by
 * {@code bench/dashboard-scale.sh}; the simulator runs in this JVM, the dashboard in its own (so its heap and RSS
 * are its alone), optionally pinned to other CPUs with {@code taskset}.
 *
 * <p>The dashboard gets its node and pod lists from a properties file ({@code spring.config.import}): 10 000 pods
 * are ~400 KB, beyond what one command-line argument may hold (Linux: 128 KB).
 */
public final class DashboardScaleBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        int nodes = Integer.parseInt(a.getOrDefault("nodes", "500"));
        int pods = Integer.parseInt(a.getOrDefault("pods", "10000"));
        int hang = Integer.parseInt(a.getOrDefault("hang", "50"));
        int steady = Integer.parseInt(a.getOrDefault("refreshes", "10"));
        int hungRefreshes = Integer.parseInt(a.getOrDefault("hung-refreshes", "5"));
        double chainsPerSecond = Double.parseDouble(a.getOrDefault("chains-per-sec", "1"));
        Duration prefill = Duration.parse(a.getOrDefault("prefill", "PT10M"));
        String timeout = a.getOrDefault("timeout", "1500ms");
        String refresh = a.getOrDefault("refresh", "2s");
        Path out = Path.of(a.getOrDefault("out", "target/dashboard-scale"));
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        try (SimulatedNodes sim = new SimulatedNodes(nodes, pods, chainsPerSecond, prefill,
                Integer.parseInt(a.getOrDefault("sim-threads", "4")), 1)) {
            System.err.printf(Locale.ROOT, "simulator: %d nodes, %d pods, %d chains prefilled in %d ms%n", nodes, pods,
                    sim.chainsMade(), (System.nanoTime() - t0) / 1_000_000);
            Files.write(out.resolve("nodes.txt"), sim.nodeList());
            Files.write(out.resolve("pods.txt"), sim.podList());
            Properties p = new Properties();
            p.setProperty("nodecache.dashboard.discovery", "static");
            p.setProperty("nodecache.dashboard.nodes", String.join(",", sim.nodeList()));
            p.setProperty("nodecache.dashboard.pods", String.join(",", sim.podList()));
            p.setProperty("nodecache.dashboard.timeout", timeout);
            p.setProperty("nodecache.dashboard.refresh", refresh);
            Path props = out.resolve("dashboard-scale.properties");
            try (var w = Files.newBufferedWriter(props)) {
                p.store(w, "written by DashboardScaleBench");
            }

            int port = freePort();
            List<String> cmd = new ArrayList<>();
            String cpu = a.getOrDefault("dashboard-cpu", "");
            if (!cpu.isBlank()) {
                cmd.addAll(List.of("taskset", "-c", cpu));
            }
            String java = a.getOrDefault("java", "java");
            cmd.add(java);
            String opts = a.getOrDefault("jvm-opts", "").trim();
            if (!opts.isEmpty()) {
                cmd.addAll(Arrays.asList(opts.split("\\s+")));
            }
            cmd.removeIf(String::isBlank);
            cmd.addAll(List.of("-Dspring.main.banner-mode=off", "-jar",
                    a.getOrDefault("jar", "target/nodecache-0.1.0-SNAPSHOT.jar"), "--nodecache.node.enabled=false",
                    "--nodecache.dashboard.enabled=true", "--server.port=" + port,
                    "--spring.config.import=file:" + props.toAbsolutePath()));
            Files.writeString(out.resolve("dashboard.cmd"), String.join(" ", cmd) + "\n");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(out.resolve("dashboard.log").toFile());
            pb.environment().put("MALLOC_ARENA_MAX", a.getOrDefault("malloc-arena-max", "2"));
            Process dash = pb.start();
            try {
                run(a, sim, dash, port, nodes, pods, hang, steady, hungRefreshes, chainsPerSecond, prefill, timeout,
                        refresh, java, out);
            } finally {
                dash.destroy();
                if (!dash.waitFor(5, TimeUnit.SECONDS)) {
                    dash.destroyForcibly();
                }
            }
        }
    }

    private static void run(Map<String, String> a, SimulatedNodes sim, Process dash, int port, int nodes, int pods,
            int hang, int steady, int hungRefreshes, double chainsPerSecond, Duration prefill, String timeout,
            String refresh, String java, Path out) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        BlockingQueue<Refresh> events = new LinkedBlockingQueue<>();
        long startNanos = System.nanoTime();
        Thread reader = new Thread(() -> readEvents(http, base, sim, events, dash), "overview-events");
        reader.setDaemon(true);
        reader.start();

        Refresh first = next(events, dash, 120);
        long startedMs = (first.receivedNanos - startNanos) / 1_000_000;
        System.err.printf(Locale.ROOT, "first refresh: %d ms (%d of %d reporting), dashboard up and refreshed %d ms "
                + "after launch%n", first.refreshMillis, first.reporting, first.listed, startedMs);
        List<Refresh> ok = new ArrayList<>();
        for (int i = 0; i < steady; i++) {
            Refresh r = next(events, dash, 30);
            ok.add(r);
            System.err.printf(Locale.ROOT, "refresh %d: %d ms (wall %d ms, fan-out %d ms), %d of %d reporting%n", i + 1,
                    r.refreshMillis, r.wallMillis, r.fanOutMillis, r.reporting, r.listed);
        }
        Memory steadyMem = memory(java, dash.pid(), http, base);
        System.err.println("after " + steady + " refreshes: " + steadyMem);
        // chainsMissed per node (exact, from the seq gaps the dashboard saw) against what the simulator left out of
        // the answers it sent to after=N (they agree unless an answer came after the dashboard stopped waiting).
        long missed = 0;
        int nodesMissing = 0;
        for (JsonNode n : JSON.readTree(get(http, base + "/api/v1/cluster/nodes"))) {
            long m = n.path("chainsMissed").asLong();
            missed += m;
            nodesMissing += m > 0 ? 1 : 0;
        }
        long served = sim.chainsServed();
        long skippedBySim = sim.chainsSkipped();
        System.err.printf(Locale.ROOT, "chains: %d served, chainsMissed %d on %d nodes (simulator skipped %d)%n",
                served, missed, nodesMissing, skippedBySim);

        BitSet which = SimulatedNodes.spread(nodes, hang);
        sim.hang(which);
        Set<String> hungNames = new HashSet<>(sim.hungNames());
        List<Refresh> hung = new ArrayList<>();
        // The refresh running when the nodes hang may have had its answers already: skip it.
        next(events, dash, 30);
        for (int i = 0; i < hungRefreshes; i++) {
            Refresh r = next(events, dash, 30);
            hung.add(r);
            System.err.printf(Locale.ROOT, "hung refresh %d: %d ms (wall %d ms), %d of %d reporting%n", i + 1,
                    r.refreshMillis, r.wallMillis, r.reporting, r.listed);
        }
        JsonNode list = JSON.readTree(get(http, base + "/api/v1/cluster/nodes"));
        int unreachableHung = 0;
        int unreachableOther = 0;
        int readyOther = 0;
        int withError = 0;
        String sampleError = null;
        for (JsonNode n : list) {
            String name = n.path("name").asString();
            boolean isHung = hungNames.contains(name);
            String state = n.path("state").asString();
            if (state.equals("unreachable")) {
                if (isHung) {
                    unreachableHung++;
                } else {
                    unreachableOther++;
                }
            } else if (!isHung && state.equals("ready")) {
                readyOther++;
            }
            if (isHung && !n.path("error").isNull() && n.path("stale").asBoolean()) {
                withError++;
                sampleError = sampleError == null ? n.path("error").asString() : sampleError;
            }
        }
        Memory hungMem = memory(java, dash.pid(), http, base);
        System.err.println("after the hung refreshes: " + hungMem);

        long[] ms = ok.stream().mapToLong(r -> r.refreshMillis).sorted().toArray();
        long[] wall = ok.stream().mapToLong(r -> r.wallMillis).sorted().toArray();
        long[] fan = ok.stream().mapToLong(r -> r.fanOutMillis).sorted().toArray();
        long[] hms = hung.stream().mapToLong(r -> r.refreshMillis).sorted().toArray();
        long[] gaps = new long[Math.max(0, ok.size() - 1)];
        for (int i = 1; i < ok.size(); i++) {
            gaps[i - 1] = (ok.get(i).receivedNanos - ok.get(i - 1).receivedNanos) / 1_000_000;
        }
        Arrays.sort(gaps);
        int minReporting = ok.stream().mapToInt(r -> r.reporting).min().orElse(0);
        int hungReporting = hung.stream().mapToInt(r -> r.reporting).max().orElse(0);

        List<String[]> rows = new ArrayList<>();
        rows.add(row("nodes (simulated, 127.0.0.1)", nodes, "one HttpServer each, " + a.getOrDefault("sim-threads", "4")
                + " handler threads in all"));
        rows.add(row("pods in the directory", first.podsKnown, "of " + pods + " listed"));
        rows.add(row("chains per node", (prefill.isZero() ? 0 : SimulatedNodes.RING) + " at start",
                (prefill.isZero() ? "" : "over the past " + prefill.toMinutes() + " min, ") + "then "
                        + chainsPerSecond + "/s, " + SimulatedNodes.RING + " kept"));
        rows.add(row("first refresh ms", first.refreshMillis, "cold: after=-1&limit=20, at most " + (nodes * 20)
                + " chains; " + first.reporting + "/" + first.listed + " reporting"));
        rows.add(row("refresh p50 / max ms", ms[ms.length / 2] + " / " + ms[ms.length - 1],
                "refreshMillis over " + ms.length + " refreshes (every " + refresh + ")"));
        rows.add(row("wall p50 / max ms", wall[wall.length / 2] + " / " + wall[wall.length - 1],
                "first node request seen -> overview event received"));
        rows.add(row("fan-out p50 / max ms", fan[fan.length / 2] + " / " + fan[fan.length - 1],
                "first request -> last answer, as the nodes saw it"));
        rows.add(row("coverage (min)", minReporting + " / " + nodes, "reporting / listed"));
        rows.add(row("refresh to refresh p50 / max ms", gaps.length == 0 ? "-"
                : gaps[gaps.length / 2] + " / " + gaps[gaps.length - 1], "events received; fixed delay " + refresh
                + " after a refresh ends (a tick is skipped while one runs)"));
        rows.add(row("chains served / chainsMissed", served + " / " + missed, "all answers to /api/v1/chains; "
                + "missed summed over " + nodesMissing + " nodes (the simulator skipped " + skippedBySim + ")"));
        rows.add(row("heap after GC MiB", mib(steadyMem.heapBytes), "jcmd GC.run, then jvm.memory.used{area=heap}; "
                + "committed " + mib(steadyMem.heapCommittedBytes)));
        rows.add(row("RSS MiB", mib(steadyMem.rssBytes), "VmRSS; VmHWM " + mib(steadyMem.hwmBytes)));
        rows.add(row("hung nodes", hang, "accept, read, never answer; timeout " + timeout));
        rows.add(row("refresh with hung p50 / max ms", hms[hms.length / 2] + " / " + hms[hms.length - 1],
                hms.length + " refreshes; " + hungReporting + " reporting at most"));
        rows.add(row("marked unreachable", unreachableHung + " / " + hang,
                withError + " with error and stale; others unreachable: " + unreachableOther + ", ready: "
                        + readyOther + " / " + (nodes - hang)));
        rows.add(row("heap after GC / RSS MiB, end", mib(hungMem.heapBytes) + " / " + mib(hungMem.rssBytes),
                "after the hung refreshes"));
        printTable(rows);
        if (sampleError != null) {
            System.out.println("error of a hung node: " + sampleError);
        }
        try (var w = Files.newBufferedWriter(out.resolve("results.tsv"))) {
            for (String[] r : rows) {
                w.write(String.join("\t", r) + "\n");
            }
        }
    }

    /** One overview event: one completed refresh. */
    private record Refresh(long refreshMillis, int reporting, int listed, int podsKnown, long wallMillis,
            long fanOutMillis, long receivedNanos) {}

    private static void readEvents(HttpClient http, String base, SimulatedNodes sim, BlockingQueue<Refresh> events,
            Process dash) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (dash.isAlive() && System.nanoTime() < deadline) {
            try {
                HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/api/v1/cluster/events")).header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    Thread.sleep(500);
                    continue;
                }
                sim.takeSpan();
                String lastAt = null;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!line.startsWith("data:")) {
                            continue;
                        }
                        long now = System.nanoTime();
                        SimulatedNodes.Span span = sim.takeSpan();
                        JsonNode v = JSON.readTree(line.substring(5));
                        String at = v.path("refreshedAt").asString();
                        if (v.path("refreshMillis").asLong() == 0 || at.equals(lastAt)) {
                            continue; // the view before any refresh, sent on connect
                        }
                        lastAt = at;
                        events.add(new Refresh(v.path("refreshMillis").asLong(),
                                v.path("coverage").path("reporting").asInt(), v.path("coverage").path("listed").asInt(),
                                v.path("pods").path("known").asInt(),
                                span.firstNanos() == 0 ? -1 : (now - span.firstNanos()) / 1_000_000, span.millis(),
                                now));
                    }
                }
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Refresh next(BlockingQueue<Refresh> events, Process dash, int seconds) throws Exception {
        Refresh r = events.poll(seconds, TimeUnit.SECONDS);
        if (r == null) {
            throw new IllegalStateException("no refresh within " + seconds + " s (dashboard "
                    + (dash.isAlive() ? "running" : "exited " + dash.exitValue()) + "; see its log)");
        }
        return r;
    }

    /** Heap after a full collection, and RSS. */
    private record Memory(long heapBytes, long heapCommittedBytes, long rssBytes, long hwmBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap after GC %s MiB (committed %s), RSS %s MiB (peak %s)",
                    mib(heapBytes), mib(heapCommittedBytes), mib(rssBytes), mib(hwmBytes));
        }
    }

    private static Memory memory(String java, long pid, HttpClient http, String base) throws Exception {
        String jcmd = java.endsWith("/java") ? java.substring(0, java.length() - 4) + "jcmd" : "jcmd";
        if (!Files.isExecutable(Path.of(jcmd))) {
            jcmd = "jcmd";
        }
        Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(30, TimeUnit.SECONDS);
        long used = sumHeap(get(http, base + "/actuator/prometheus"), "jvm_memory_used_bytes");
        long committed = sumHeap(get(http, base + "/actuator/prometheus"), "jvm_memory_committed_bytes");
        long rss = 0;
        long hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            }
        }
        return new Memory(used, committed, rss, hwm);
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", "")) * 1024;
    }

    private static long sumHeap(String prometheus, String metric) {
        double sum = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String[] row(String what, Object value, String note) {
        return new String[] {what, String.valueOf(value), note};
    }

    private static void printTable(List<String[]> rows) {
        int w0 = 0;
        int w1 = 0;
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        String fmt = "| %-" + w0 + "s | %" + w1 + "s | %s |%n";
        System.out.printf(fmt, "", "value", "how");
        System.out.println("|" + "-".repeat(w0 + 2) + "|" + "-".repeat(w1 + 1) + ":|---|");
        for (String[] r : rows) {
            System.out.printf(fmt, r[0], r[1], r[2]);
        }
    }
}
