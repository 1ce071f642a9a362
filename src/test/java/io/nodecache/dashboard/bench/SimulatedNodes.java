package io.nodecache.dashboard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many fake nodes in one process, for the dashboard scale benchmark: one JDK {@link HttpServer} per node on
 * 127.0.0.1 (its own port), all sharing one small handler pool, answering {@code GET /api/v1/node},
 * {@code /api/v1/stats} and {@code /api/v1/chains} (with {@code after}, {@code since} and {@code limit}) with JSON shaped
 * like a real node's (field for field from a running node, {@code docs/node-api.md}), with figures that drift on every
 * call and a few new search-domain chains per second from the pods placed on that node.
 *
 * <p>Chains are numbered as a real node numbers them ({@code ChainAggregates#numbered}): {@code seq} is the n-th chain
 * the node completed since it started, from 0; the node keeps the latest {@value #RING}, so the oldest kept is
 * {@code recorded - 256}; {@code after=N} returns only those numbered above N, newest first, at most {@code limit}
 * (the newest {@code limit} of them), and {@code since} then drops those that started at or before it.
 *
 * <p>A node can be told to <em>hang</em>: its server still accepts the connection and reads the request, and never
 * answers (the exchange is left open), which is what a wedged JVM or a stopped container looks like from outside.
 *
 * <p>Run alone: {@code SimulatedNodes --nodes=500 --pods=10000 --hang=50 --out=DIR} writes {@code DIR/nodes.txt}
 * ({@code NAME=URL} per line) and {@code DIR/pods.txt} ({@code NS/POD=IP@NODE} per line) and serves until killed.
 */
public final class SimulatedNodes implements AutoCloseable {

    static final String[] NAMESPACES = {"default", "shop", "payments", "search", "auth", "billing", "cache",
        "ingest", "reports", "mail", "media", "ml", "batch", "monitoring", "logging", "kube-system", "web", "api",
        "catalog", "orders"};
    /** Names pods look up, as given: short service names, external names (ndots:5 makes them walk the list). */
    static final String[] BASE_NAMES = {"www.example", "api.example", "cdn.example", "kubernetes.default.svc",
        "redis.cache", "db.shop", "auth.auth.svc", "storage.googleapis.com", "api.github.com", "s3.amazonaws.com",
        "kafka.ingest", "elasticsearch.logging", "metrics.monitoring.svc", "smtp.mail", "vault.auth"};
    /** Chain ring per node: a real node keeps 256. */
    static final int RING = 256;

    private final List<Node> nodes = new ArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> pods = new ArrayList<>();
    private final ExecutorService pool;
    private final double chainsPerSecond;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong chainsMade = new AtomicLong();
    private final AtomicLong hangs = new AtomicLong();
    private final AtomicLong chainsServed = new AtomicLong();
    private final AtomicLong chainsSkipped = new AtomicLong();
    private final Object spanLock = new Object();
    private long spanFirstNanos;
    private long spanLastNanos;

    /**
     * Starts {@code nodeCount} nodes with {@code podCount} pods spread round-robin over them.
     *
     * @param chainsPerSecond new chains per node and second (from that node's pods; one in 20 from its host IP,
     *                        which no pod owns)
     * @param prefillWindow   each node starts with its ring of {@value #RING} chains spread over this past window, as
     *                        a busy node has when the dashboard starts (zero: starts empty)
     * @param threads         handler threads shared by all nodes
     */
    public SimulatedNodes(int nodeCount, int podCount, double chainsPerSecond, Duration prefillWindow, int threads,
            long seed) throws IOException {
        this.chainsPerSecond = chainsPerSecond;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "simulated-node");
            t.setDaemon(true);
            return t;
        });
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new Node(i, String.format(Locale.ROOT, "node-%03d", i), random.split()));
        }
        for (int p = 0; p < podCount; p++) {
            Node n = nodes.get(p % nodeCount);
            int k = n.podIps.size();
            String ns = NAMESPACES[(p * 7 + k) % NAMESPACES.length];
            String ip = "10." + (n.index / 250) + "." + (n.index % 250) + "." + (k + 2);
            String pod = ns + "-app-" + Integer.toString(p, 36) + "-" + Integer.toString(p * 31 % 46656, 36);
            n.podIps.add(ip);
            n.podNamespaces.add(ns);
            pods.add(ns + "/" + pod + "=" + ip + "@" + n.name);
        }
        Instant now = Instant.now();
        for (Node n : nodes) {
            n.prefill(now, prefillWindow);
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (Node n : nodes) {
            HttpServer s = HttpServer.create(new InetSocketAddress(loopback, 0), 256);
            s.setExecutor(pool);
            s.createContext("/", ex -> serve(n, ex));
            s.start();
            n.port = s.getAddress().getPort();
            servers.add(s);
        }
    }

    /** {@code NAME=URL}, one per node. */
    public List<String> nodeList() {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(n.name + "=http://127.0.0.1:" + n.port);
        }
        return out;
    }

    /** {@code NS/POD=IP@NODE}, one per pod. */
    public List<String> podList() {
        return List.copyOf(pods);
    }

    /** Makes these nodes (by index) hang from now on: requests are read, never answered. */
    public void hang(BitSet which) {
        for (Node n : nodes) {
            n.hung = which.get(n.index);
        }
    }

    /** The names of the nodes that hang now. */
    public List<String> hungNames() {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.hung) {
                out.add(n.name);
            }
        }
        return out;
    }

    public long requests() {
        return requests.get();
    }

    public long chainsMade() {
        return chainsMade.get();
    }

    public long hangs() {
        return hangs.get();
    }

    /** Chains sent in answers to {@code /api/v1/chains}, all nodes. */
    public long chainsServed() {
        return chainsServed.get();
    }

    /**
     * Chains skipped in answers to {@code after=N} (N &ge; 0): numbered above N but no longer kept, or beyond the
     * {@code limit}: what a reader that moves its cursor to the newest it got has missed, counted from the answers
     * sent (an answer the dashboard gave up on before it arrived counts here, and is asked again).
     */
    public long chainsSkipped() {
        return chainsSkipped.get();
    }

    /**
     * When the first request after the last call to this method arrived and the last answer was sent
     * ({@link System#nanoTime()}; 0 when none): the fan-out as the nodes saw it (hung requests end nothing). Resets it.
     */
    public Span takeSpan() {
        synchronized (spanLock) {
            Span s = new Span(spanFirstNanos, spanLastNanos);
            spanFirstNanos = 0;
            spanLastNanos = 0;
            return s;
        }
    }

    /** See {@link #takeSpan()}. */
    public record Span(long firstNanos, long lastNanos) {
        public long millis() {
            return firstNanos == 0 || lastNanos == 0 ? -1 : (lastNanos - firstNanos) / 1_000_000;
        }
    }

    private void serve(Node n, HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        synchronized (spanLock) {
            if (spanFirstNanos == 0) {
                spanFirstNanos = System.nanoTime();
            }
        }
        if (n.hung) {
            // Read the request, answer nothing, keep the connection: the client's timeout is all that ends it.
            ex.getRequestBody().readAllBytes();
            hangs.incrementAndGet();
            return;
        }
        try (ex) {
            URI uri = ex.getRequestURI();
            Map<String, String> q = query(uri.getRawQuery());
            String body;
            int status = 200;
            switch (uri.getPath()) {
                case "/api/v1/node" -> body = n.summary();
                case "/api/v1/stats" -> body = n.stats();
                case "/api/v1/chains" -> {
                    // As NodeApiController#chains: limit clamped to 1..1000, after defaults to -1, since optional.
                    int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 100;
                    long after = q.containsKey("after") ? Long.parseLong(q.get("after")) : -1;
                    String sinceRaw = q.get("since");
                    Instant since = sinceRaw == null || sinceRaw.isBlank() ? null : Instant.parse(sinceRaw);
                    body = n.chains(Math.max(1, Math.min(limit, 1000)), after, since);
                }
                default -> {
                    status = 404;
                    body = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no "
                            + uri.getPath() + "\"}";
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", status == 200 ? "application/json"
                    : "application/problem+json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            synchronized (spanLock) {
                spanLastNanos = System.nanoTime();
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    /** One fake node: figures that drift, and a ring of chains newest first. */
    private final class Node {
        final int index;
        final String name;
        final SplittableRandom random;
        final List<String> podIps = new ArrayList<>();
        final List<String> podNamespaces = new ArrayList<>();
        final Instant startedAt;
        final String hostIp;
        final ArrayDeque<Chain> ring = new ArrayDeque<>();
        /** Chains completed since the node started: the next one's {@code seq}. */
        long recorded;
        volatile boolean hung;
        int port;
        double qps;
        long eventsSeen;
        long lastCall = System.nanoTime();
        Instant lastChain;
        double owed;

        Node(int index, String name, SplittableRandom random) {
            this.index = index;
            this.name = name;
            this.random = random;
            this.startedAt = Instant.now().minusSeconds(3600 + random.nextInt(86_400 * 3));
            this.hostIp = "192.168." + (index / 250) + "." + (index % 250 + 1);
            this.qps = 20 + random.nextInt(400);
        }

        void prefill(Instant now, Duration window) {
            if (window.isZero() || podIps.isEmpty()) {
                lastChain = now;
                return;
            }
            long span = window.toNanos();
            // The node has been up since startedAt, completing chains all along: the ring it starts with holds the
            // latest 256 of them, not chains 0..255.
            long uptimeSeconds = Duration.between(startedAt, now).toSeconds();
            recorded = Math.max(0, (long) (uptimeSeconds * chainsPerSecond) - RING);
            List<Instant> starts = new ArrayList<>();
            for (int i = 0; i < RING; i++) {
                starts.add(now.minusNanos((long) (random.nextDouble() * span)));
            }
            starts.sort(null);
            for (Instant s : starts) {
                add(s);
            }
            lastChain = now;
        }

        private void add(Instant start) {
            long seq = recorded++;
            ring.addFirst(new Chain(seq, start, "{\"seq\":" + seq + "," + chainJson(start).substring(1)));
            if (ring.size() > RING) {
                ring.pollLast();
            }
            chainsMade.incrementAndGet();
        }

        /** Drifts the figures and makes the chains owed since the last call, in start order. */
        private void advance() {
            long now = System.nanoTime();
            double seconds = (now - lastCall) / 1e9;
            lastCall = now;
            qps = Math.max(1, qps * (0.9 + 0.2 * random.nextDouble()));
            eventsSeen += (long) (qps * seconds);
            owed += chainsPerSecond * seconds;
            int make = (int) owed;
            owed -= make;
            if (make > 0 && !podIps.isEmpty()) {
                Instant to = Instant.now();
                long gap = Math.max(1, Duration.between(lastChain, to).toNanos());
                List<Instant> starts = new ArrayList<>();
                for (int i = 0; i < make; i++) {
                    starts.add(lastChain.plusNanos(1 + (long) (random.nextDouble() * (gap - 1))));
                }
                starts.sort(null);
                starts.forEach(this::add);
                lastChain = to;
            }
        }

        synchronized String summary() {
            advance();
            return "{\"node\":\"" + name + "\",\"version\":\"0.1.0-SNAPSHOT\",\"startedAt\":\"" + startedAt
                    + "\",\"ready\":true,\"dns\":[\"169.254.20.10:53\",\"10.96.0.10:53\"],"
                    + "\"zones\":[\"cluster.local.\",\"in-addr.arpa.\",\"ip6.arpa.\",\".\"],"
                    + "\"logging\":{\"enabled\":false,\"mode\":\"corefile\",\"until\":null,\"format\":\"coredns\","
                    + "\"changed\":\"" + startedAt + "\"},\"demo\":false,\"eventsSeen\":" + eventsSeen
                    + ",\"eventsLost\":0,\"malformed\":" + (eventsSeen / 100_000) + ",\"formerr\":0}";
        }

        synchronized String stats() {
            advance();
            long queries = (long) (qps * 60);
            long nx = queries * (25 + random.nextInt(30)) / 100;
            long hits = queries * (60 + random.nextInt(35)) / 100;
            long misses = queries - hits;
            long denialHits = Math.min(hits, nx * 9 / 10);
            long successHits = hits - denialHits;
            long clusterShare = 85;
            StringBuilder b = new StringBuilder(2048);
            b.append("{\"window\":\"1m\",\"figures\":{\"seconds\":60,\"queries\":").append(queries)
                    .append(",\"qps\":").append(queries / 60.0)
                    .append(",\"rcodes\":{\"NOERROR\":").append(queries - nx - queries / 500)
                    .append(",\"NXDOMAIN\":").append(nx).append(",\"SERVFAIL\":").append(queries / 500)
                    .append("},\"outcomes\":{\"none\":0,\"hit\":").append(hits).append(",\"prefetch\":")
                    .append(hits / 50).append(",\"miss\":").append(misses).append(",\"stale\":0},\"meanLatencyMs\":")
                    .append(0.2 + random.nextDouble() * 3).append(",\"caches\":[");
            cache(b, "cluster.local.:53", successHits * clusterShare / 100, denialHits * clusterShare / 100,
                    misses * clusterShare / 100).append(',');
            cache(b, "in-addr.arpa.:53", successHits / 100, 0, misses / 100).append(',');
            cache(b, "ip6.arpa.:53", 0, denialHits / 100, misses / 200).append(',');
            cache(b, ".:53", successHits * (100 - clusterShare) / 100, denialHits * (100 - clusterShare) / 100,
                    misses * (100 - clusterShare) / 100);
            b.append("]},\"upstreams\":[");
            upstream(b, "10.96.0.10:53", queries * 8 / 10).append(',');
            upstream(b, "8.8.8.8:53", queries / 10).append(',');
            upstream(b, "8.8.4.4:53", queries / 10);
            b.append("],\"topNames\":[");
            for (int i = 0; i < 8; i++) {
                b.append(i == 0 ? "" : ",").append("{\"key\":\"").append(BASE_NAMES[(index + i) % BASE_NAMES.length])
                        .append(".svc.cluster.local.\",\"count\":").append(queries / (4 + i * 3)).append('}');
            }
            b.append("],\"topClients\":[");
            for (int i = 0; i < Math.min(8, podIps.size()); i++) {
                b.append(i == 0 ? "" : ",").append("{\"key\":\"").append(podIps.get((i * 3) % podIps.size()))
                        .append("\",\"count\":").append(queries / (5 + i * 2)).append('}');
            }
            return b.append("]}").toString();
        }

        private StringBuilder cache(StringBuilder b, String zone, long sh, long dh, long miss) {
            long hits = sh + dh;
            return b.append("{\"zone\":\"").append(zone).append("\",\"successHits\":").append(sh)
                    .append(",\"denialHits\":").append(dh).append(",\"misses\":").append(miss)
                    .append(",\"stale\":0,\"prefetches\":").append(hits / 50).append(",\"evictions\":0")
                    .append(",\"successEntries\":").append(sh == 0 ? 0 : 200 + random.nextInt(3000))
                    .append(",\"denialEntries\":").append(dh == 0 ? 0 : 100 + random.nextInt(2000))
                    .append(",\"hitRatio\":").append(ratio(hits, hits + miss))
                    .append(",\"successHitRatio\":").append(ratio(sh, sh + miss))
                    .append(",\"denialHitRatio\":").append(ratio(dh, dh + miss)).append('}');
        }

        private StringBuilder upstream(StringBuilder b, String address, long queries) {
            double p50 = 0.5 + random.nextDouble();
            return b.append("{\"address\":\"").append(address).append("\",\"healthy\":true,\"consecutiveFails\":0")
                    .append(",\"queries\":").append(queries).append(",\"failures\":").append(queries / 1000)
                    .append(",\"lastRttMs\":").append(p50 * (0.5 + random.nextDouble()))
                    .append(",\"p50Ms\":").append(p50).append(",\"p90Ms\":").append(p50 * 3)
                    .append(",\"p99Ms\":").append(p50 * 12).append('}');
        }

        /**
         * Newest first, as {@code ChainAggregates#numbered} then {@code NodeApiController#chains}: the chains numbered
         * from {@code max(oldest kept, after + 1, recorded - limit)} to the newest; with {@code since}, of those only
         * the ones that started after it.
         */
        synchronized String chains(int limit, long after, Instant since) {
            advance();
            long oldestKept = Math.max(0, recorded - RING);
            long from = Math.max(oldestKept, Math.max(after + 1, recorded - limit));
            StringBuilder b = new StringBuilder((int) Math.max(0, recorded - from) * 1500 + 2).append('[');
            int n = 0;
            long oldestSent = -1;
            for (Chain c : ring) { // newest first: seq recorded - 1 downwards
                if (c.seq < from) {
                    break;
                }
                if (since != null && !c.start.isAfter(since)) {
                    continue;
                }
                b.append(n++ == 0 ? "" : ",").append(c.json);
                oldestSent = c.seq;
            }
            chainsServed.addAndGet(n);
            if (after >= 0 && oldestSent > after + 1) {
                chainsSkipped.addAndGet(oldestSent - after - 1);
            }
            return b.append(']').toString();
        }

        /** One chain, as a node reports it: A and AAAA down the search list, answered at some step or never. */
        private String chainJson(Instant start) {
            boolean host = random.nextInt(20) == 0;
            int pod = random.nextInt(podIps.size());
            String client = host ? hostIp : podIps.get(pod);
            String ns = host ? "default" : podNamespaces.get(pod);
            String base = BASE_NAMES[random.nextInt(BASE_NAMES.length)];
            String[] domains = {ns + ".svc.cluster.local", "svc.cluster.local", "cluster.local"};
            String[] kinds = {"NAMESPACE", "SERVICE", "CLUSTER"};
            // Which try answers: one of the search domains, the name as given (index 3), or none (-1).
            int roll = random.nextInt(10);
            int answeredTry = roll < 2 ? random.nextInt(3) : roll < 9 ? 3 : -1;
            int tries = answeredTry < 0 ? 4 : answeredTry + 1;
            StringBuilder b = new StringBuilder(1600);
            b.append("{\"client\":\"").append(client).append("\",\"baseName\":\"").append(base)
                    .append("\",\"namespace\":\"").append(ns).append("\",\"searchDomains\":[\"").append(domains[0])
                    .append("\",\"").append(domains[1]).append("\",\"").append(domains[2])
                    .append("\"],\"qtypes\":[1,28],\"steps\":[");
            long offset = 0;
            long answeredOffset = 0;
            for (int t = 0; t < tries; t++) {
                String name = t < 3 ? base + "." + domains[t] + "." : base + ".";
                String kind = t < 3 ? kinds[t] : "AS_GIVEN";
                int rcode = t == answeredTry ? 0 : 3;
                if (t == answeredTry) {
                    answeredOffset = offset;
                }
                for (int qtype : new int[] {1, 28}) {
                    long duration = 40_000 + random.nextInt(3_000_000);
                    b.append(t == 0 && qtype == 1 ? "" : ",").append("{\"name\":\"").append(name)
                            .append("\",\"kind\":\"").append(kind).append("\",\"qtype\":").append(qtype)
                            .append(",\"rcode\":").append(rcode).append(",\"duration\":\"")
                            .append(Duration.ofNanos(duration)).append("\",\"offset\":\"")
                            .append(Duration.ofNanos(offset)).append("\",\"retries\":0}");
                    offset += duration + random.nextInt(1_000_000);
                }
            }
            int answeredStep = answeredTry < 0 ? -1 : answeredTry * 2;
            int wasted = answeredTry < 0 ? tries * 2 : answeredStep;
            Duration wastedTime = Duration.ofNanos(answeredTry < 0 ? offset : answeredOffset);
            String fix = answeredTry == 3 ? "use the FQDN with a trailing dot: `" + base + ".`; or set "
                    + "dnsConfig.options ndots:1" : answeredTry < 0 ? "the name does not exist: check `" + base + "`"
                    : "use the FQDN with a trailing dot: `" + base + "." + domains[answeredTry] + ".`";
            b.append("],\"answeredStep\":").append(answeredStep).append(",\"wastedQueries\":").append(wasted)
                    .append(",\"wastedTime\":\"").append(wastedTime).append("\",\"start\":\"").append(start)
                    .append("\",\"suggestedFix\":\"").append(fix).append("\"}");
            return b.toString();
        }
    }

    private record Chain(long seq, Instant start, String json) {}

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : (double) part / whole;
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
        pool.shutdownNow();
    }

    /** Every {@code n/m}-th node, spread over the list: the {@code m} nodes to hang. */
    public static BitSet spread(int nodeCount, int m) {
        BitSet b = new BitSet(nodeCount);
        for (int i = 0; i < m; i++) {
            b.set((int) ((long) i * nodeCount / m));
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        int nodes = Integer.parseInt(a.getOrDefault("nodes", "500"));
        int pods = Integer.parseInt(a.getOrDefault("pods", "10000"));
        int hang = Integer.parseInt(a.getOrDefault("hang", "0"));
        Path out = Path.of(a.getOrDefault("out", "."));
        SimulatedNodes sim = new SimulatedNodes(nodes, pods, Double.parseDouble(a.getOrDefault("chains-per-sec", "1")),
                Duration.parse(a.getOrDefault("prefill", "PT10M")), Integer.parseInt(a.getOrDefault("threads", "4")),
                Long.parseLong(a.getOrDefault("seed", "1")));
        sim.hang(spread(nodes, hang));
        try {
            Files.createDirectories(out);
            Files.write(out.resolve("nodes.txt"), sim.nodeList());
            Files.write(out.resolve("pods.txt"), sim.podList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("simulating " + nodes + " nodes (" + hang + " hung) and " + pods + " pods; lists in " + out);
        Thread.currentThread().join();
    }
}
