package io.nodecache.dashboard;

import io.nodecache.dashboard.chains.ChainHistory;
import io.nodecache.dashboard.chains.ClusterChain;
import io.nodecache.dashboard.chains.Tally;
import io.nodecache.dashboard.discovery.DiscoveredNode;
import io.nodecache.dashboard.discovery.NodeDiscovery;
import io.nodecache.dashboard.pods.PodDirectory;
import io.nodecache.dashboard.pods.PodRef;
import io.nodecache.dashboard.transport.NodeResponse;
import io.nodecache.dashboard.transport.NodeTransport;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the dashboard's view of every node: on each refresh, asks every node that discovery lists — all at once,
 * each bounded by the per-node timeout — for its summary, its last minute and its new search chains; keeps the last
 * good answers of a node that did not answer (marked stale), and names each chain's pod from the directory.
 *
 * <p>A slow or dead node costs at most the timeout, never the page: the refresh ends when every node has answered
 * or timed out, and readers always get the last complete view.
 */
public final class ClusterMonitor implements AutoCloseable {

    /** Chains asked per node and refresh: the node keeps 256. */
    static final int CHAIN_LIMIT = 256;

    /**
     * Chains asked of a node the dashboard has not read before: a start against hundreds of busy nodes must not
     * fetch all they keep at once, or the first refresh cannot finish within its timeout and never gets a cursor.
     */
    static final int FIRST_CHAIN_LIMIT = 20;

    /** Clients the overview lists. */
    static final int TOP_CLIENTS = 10;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final NodeDiscovery discovery;
    private final PodDirectory pods;
    private final NodeTransport transport;
    private final String transportKind;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final ChainHistory chains;
    private final PrintStream log;
    private final Map<String, NodeState> states = new ConcurrentHashMap<>();
    private final List<Consumer<ClusterView>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodecache-dashboard-refresh");
        t.setDaemon(true);
        return t;
    });
    private volatile ClusterView last;
    private volatile CompletableFuture<ClusterView> inFlight;

    public ClusterMonitor(NodeDiscovery discovery, PodDirectory pods, NodeTransport transport, String transportKind,
            Duration interval, Duration timeout, Clock clock, ChainHistory chains, PrintStream log) {
        this.discovery = discovery;
        this.pods = pods;
        this.transport = transport;
        this.transportKind = transportKind;
        this.interval = interval;
        this.timeout = timeout;
        this.clock = clock;
        this.chains = chains;
        this.log = log;
        this.last = view(0);
    }

    /** Starts discovery, the pod directory and the refresh every {@code interval}. */
    public void start() {
        discovery.start();
        pods.start();
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        CompletableFuture<ClusterView> previous = inFlight;
        if (previous != null && !previous.isDone()) {
            // Still parsing the last round's answers: starting another would only pile up work and memory.
            return;
        }
        try {
            CompletableFuture<ClusterView> f = refresh();
            inFlight = f;
            f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            // Every call is bounded; what is left is parsing, which finishes on its own and is not restarted.
        } catch (Exception e) {
            log.println("[WARN] nodecache dashboard: refresh failed: " + e);
        }
    }

    /** One full refresh over every listed node; completes when each answered or timed out. */
    public CompletableFuture<ClusterView> refresh() {
        long t0 = System.nanoTime();
        List<DiscoveredNode> found = discovery.nodes();
        Set<String> names = new HashSet<>();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (DiscoveredNode d : found) {
            names.add(d.name());
            NodeState s = states.computeIfAbsent(d.name(), n -> new NodeState(d));
            s.discovered(d);
            if (!d.gone()) {
                calls.add(refresh(s, d));
            }
        }
        states.keySet().retainAll(names);
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
            chains.expire();
            Instant cutoff = clock.instant().minus(ChainHistory.RETENTION);
            states.values().forEach(s -> s.chainsExpiredBefore(cutoff));
            ClusterView view = view((System.nanoTime() - t0) / 1_000_000);
            last = view;
            for (Consumer<ClusterView> l : listeners) {
                l.accept(view);
            }
            return view;
        });
    }

    /**
     * One node's refresh: its summary, then its last minute, then its new chains, one after the other on one
     * connection (three at once per node would triple the connections of a 500-node fan-out for no gain), all within
     * the one per-node timeout.
     */
    private CompletableFuture<Void> refresh(NodeState s, DiscoveredNode d) {
        long deadline = System.nanoTime() + timeout.toNanos();
        return call(d, "api/v1/node", deadline).thenCompose(summary -> {
            if (!summary.ok()) {
                return CompletableFuture.completedFuture(failure(summary));
            }
            JsonNode sj = JSON.readTree(summary.body());
            s.nodeStarted(sj.path("startedAt").asString(""));
            return call(d, "api/v1/stats?window=1m", deadline).thenCompose(stats -> {
                if (!stats.ok()) {
                    return CompletableFuture.completedFuture(failure(stats));
                }
                s.answered(sj, NodeFigures.of(JSON.readTree(stats.body())), clock.instant());
                long after = s.chainCursor();
                int limit = after < 0 ? FIRST_CHAIN_LIMIT : CHAIN_LIMIT;
                // The node answered; chains that do not come in time are asked again (same cursor) next refresh.
                return call(d, "api/v1/chains?limit=" + limit + "&after=" + after, deadline).handle((chains, e) -> {
                    if (e == null && chains.ok()) {
                        collectChains(s, d, JSON.readTree(chains.body()), after);
                    }
                    return (String) null;
                });
            });
        }).handle((failed, ex) -> {
            if (ex != null) {
                s.failed(why(ex));
            } else if (failed != null) {
                s.failed(failed);
            }
            return null;
        });
    }

    private static String failure(NodeResponse r) {
        return "HTTP " + r.status() + (r.body() == null || r.body().isBlank() ? "" : ": " + abbreviate(r.body()));
    }

    private String why(Throwable ex) {
        Throwable cause = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null
                ? ex.getCause() : ex;
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof java.net.ConnectException) {
            // The JDK's client gives no message here: say what it means.
            return "connection refused: nothing answers at that address";
        }
        if (cause instanceof tools.jackson.core.JacksonException) {
            return "unreadable answer: " + abbreviate(String.valueOf(cause.getMessage()));
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private CompletableFuture<NodeResponse> call(DiscoveredNode d, String path, long deadlineNanos) {
        long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        try {
            return transport.send(d.target(), "GET", path, null, Duration.ofMillis(left))
                    .orTimeout(left + 100, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    private void collectChains(NodeState s, DiscoveredNode d, JsonNode list, long after) {
        long newest = -1;
        long oldest = -1;
        for (JsonNode c : list) {
            long seq = c.path("seq").asLong(-1);
            if (seq <= after) {
                continue;
            }
            newest = Math.max(newest, seq);
            oldest = oldest < 0 ? seq : Math.min(oldest, seq);
            Instant start = Instant.parse(c.path("start").asString());
            String ip = c.path("client").asString();
            Optional<PodRef> pod = pods.lookup(ip, start);
            ObjectNode withNode = ((ObjectNode) c).put("node", d.name());
            int answered = c.path("answeredStep").asInt(-1);
            JsonNode step = answered >= 0 ? c.path("steps").path(answered) : null;
            String namespace = pod.map(PodRef::namespace).orElse(null);
            if (namespace == null) {
                namespace = c.path("namespace").asString(null);
            }
            s.chainStarted(start);
            chains.add(new ClusterChain(d.name(), ip, pod.orElse(null), namespace, start,
                    c.path("wastedQueries").asInt(), durationNanos(c.path("wastedTime")), answered < 0,
                    c.path("baseName").asString(), step == null ? null : step.path("name").asString(null),
                    step == null ? null : step.path("kind").asString(null), withNode.toString()));
        }
        s.chainsPolled(after, oldest, newest);
    }

    private static long durationNanos(JsonNode n) {
        if (n.isNumber()) {
            return (long) (n.asDouble() * 1e9);
        }
        try {
            return Duration.parse(n.asString()).toNanos();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private ClusterView view(long refreshMillis) {
        List<NodeView> nodes = new ArrayList<>();
        NodeFigures sum = NodeFigures.NONE;
        Map<String, long[]> clients = new java.util.HashMap<>();
        int listed = 0;
        int reporting = 0;
        boolean demo = false;
        for (NodeState s : states.values()) {
            nodes.add(s.view());
            if (!s.discovered().gone()) {
                listed++;
            }
            NodeFigures f = s.figuresIfReporting();
            if (f != null) {
                reporting++;
                sum = sum.plus(f);
                f.topClients().forEach((ip, n) -> {
                    long[] acc = clients.computeIfAbsent(ip, k -> new long[2]);
                    acc[0] += n;
                    acc[1]++;
                });
            }
            demo |= s.demo();
        }
        nodes.sort(java.util.Comparator.comparing(NodeView::name));
        Tally.Sum minute = chains.total(Duration.ofMinutes(1));
        long lookups = Math.max(0, sum.queries() - minute.wasted());
        ClusterView.Totals totals = new ClusterView.Totals(new ClusterView.Covers(reporting, listed), sum.qps(),
                sum.queries(), sum.hitRatio(), sum.successHitRatio(), sum.denialHitRatio(), sum.nxdomainShare(),
                minute.chains(), minute.wasted(), NodeFigures.ratio(minute.wasted(), lookups));
        Map<String, Integer> coverage = new LinkedHashMap<>();
        coverage.put("listed", listed);
        coverage.put("reporting", reporting);
        coverage.put("desired", discovery.desired().isPresent() ? discovery.desired().getAsInt() : null);
        return new ClusterView(demo, discovery.kind(), transportKind, coverage, clock.instant(), refreshMillis, totals,
                List.copyOf(nodes), Map.of("known", pods.size()), topClients(clients));
    }

    /** Clients summed over the nodes, the busiest first, each named by the pod that has its IP now. */
    private List<ClusterView.Client> topClients(Map<String, long[]> clients) {
        Instant now = clock.instant();
        return clients.entrySet().stream()
                .sorted(Map.Entry.<String, long[]>comparingByValue((a, b) -> Long.compare(b[0], a[0]))
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_CLIENTS)
                .map(e -> {
                    PodRef p = pods.lookup(e.getKey(), now).orElse(null);
                    boolean named = p != null && p.pod() != null;
                    return new ClusterView.Client(e.getKey(), named ? p.namespace() : null, named ? p.pod() : null,
                            p == null ? null : p.node(), p != null && p.hostNetwork(), e.getValue()[0],
                            (int) e.getValue()[1], named ? "/pods/" + p.namespace() + "/" + p.pod()
                                    : "/clients/" + e.getKey());
                })
                .toList();
    }

    /** The last complete view. */
    public ClusterView overview() {
        return last;
    }

    public List<NodeView> nodes() {
        return last.nodes();
    }

    public Optional<NodeView> node(String name) {
        NodeState s = states.get(name);
        return s == null ? Optional.empty() : Optional.of(s.view());
    }

    /** Whether some node says its traffic is simulated: the pages then say so. */
    public boolean demo() {
        return last.demo();
    }

    /** The node as discovery last listed it, to send it something. */
    public Optional<DiscoveredNode> discovered(String name) {
        NodeState s = states.get(name);
        if (s != null) {
            return Optional.of(s.discovered());
        }
        return discovery.nodes().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Records the logging state a node reported back after a change, ahead of the next refresh. */
    void loggingReported(String name, JsonNode state) {
        NodeState s = states.get(name);
        if (s != null) {
            s.logging(state);
        }
    }

    public void onRefresh(Consumer<ClusterView> listener) {
        listeners.add(listener);
    }

    public PodDirectory pods() {
        return pods;
    }

    public ChainHistory chains() {
        return chains;
    }

    public NodeTransport transport() {
        return transport;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        discovery.close();
        pods.close();
        transport.close();
    }
}
