package io.nodecache.dashboard;

import io.nodecache.dashboard.discovery.DiscoveredNode;
import io.nodecache.dashboard.pods.PodDirectory;
import io.nodecache.dashboard.pods.PodRef;
import io.nodecache.dashboard.transport.NodeTransport;
import io.nodecache.dashboard.transport.ServerSentEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One viewer's merged live query stream: a Server-Sent Events stream from each chosen node (its own filters sent
 * on), each row named with its node and pod, the dashboard's namespace and pod filters applied, into one bounded
 * queue. A viewer that reads too slowly loses rows, counted; a node's stream is read by its own thread, so neither a
 * slow viewer nor a stalled node holds up anything else.
 */
public final class MergedQueryStream implements AutoCloseable {

    /** Rows and node events waiting for the viewer. */
    public record Item(String type, String json) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final NodeTransport transport;
    private final PodDirectory pods;
    private final String nodeQuery;
    private final String namespace;
    private final String pod;
    private final Duration connectTimeout;
    private final ArrayBlockingQueue<Item> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final List<NodeTransport.StreamResponse> open = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean closed;

    /** Through {@link ClusterMonitor#transport()} and {@link ClusterMonitor#pods()}. */
    public MergedQueryStream(NodeTransport transport, PodDirectory pods, String nodeQuery,
            String namespace, String pod, int capacity, Duration connectTimeout) {
        this.transport = transport;
        this.pods = pods;
        this.nodeQuery = nodeQuery;
        this.namespace = blank(namespace) ? null : namespace;
        this.pod = blank(pod) ? null : pod;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.connectTimeout = connectTimeout;
    }

    /** Opens one stream per node, each on its own daemon thread. */
    public void start(List<DiscoveredNode> nodes) {
        for (DiscoveredNode n : nodes) {
            Thread t = new Thread(() -> follow(n), "nodecache-dashboard-stream-" + n.name());
            t.setDaemon(true);
            readers.add(t);
            t.start();
        }
    }

    private void follow(DiscoveredNode n) {
        NodeTransport.StreamResponse r = null;
        try {
            r = transport.stream(n.target(), "api/v1/queries/stream" + nodeQuery, connectTimeout)
                    .get(connectTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            open.add(r);
            if (r.status() != 200) {
                nodeEvent(n, false, "node answered " + r.status(), null);
                return;
            }
            nodeEvent(n, true, null, null);
            ServerSentEvents.read(r.body(), e -> accept(n, e));
            if (!closed) {
                nodeEvent(n, false, "the node closed the stream", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!closed) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                nodeEvent(n, false, cause instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + connectTimeout.toMillis() + " ms" : String.valueOf(cause), null);
            }
        } finally {
            if (r != null) {
                r.close();
                open.remove(r);
            }
        }
    }

    private void accept(DiscoveredNode n, ServerSentEvents.Event e) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        switch (e.type()) {
            case "query" -> {
                ObjectNode row = (ObjectNode) JSON.readTree(e.data());
                Optional<PodRef> ref = podAt(row.path("client").asString(), row.path("time").asString(null));
                String ns = ref.map(PodRef::namespace).orElse(null);
                String name = ref.map(PodRef::pod).orElse(null);
                if ((namespace != null && !namespace.equals(ns)) || (pod != null && !pod.equals(name))) {
                    return;
                }
                row.put("node", n.name());
                row.put("namespace", ns);
                row.put("pod", name);
                row.put("hostNetwork", ref.map(PodRef::hostNetwork).orElse(false));
                offer(new Item("query", row.toString()));
            }
            case "logging" -> nodeEvent(n, true, null, JSON.readTree(e.data()));
            // The node dropped rows for the dashboard (its per-viewer buffer): the viewer is told which node.
            case "dropped" -> offer(new Item("node-dropped", JSON.createObjectNode().put("name", n.name())
                    .put("dropped", JSON.readTree(e.data()).path("dropped").asLong()).toString()));
            default -> { }
        }
    }

    private void nodeEvent(DiscoveredNode n, boolean connected, String error, JsonNode logging) {
        ObjectNode o = JSON.createObjectNode().put("name", n.name()).put("connected", connected).put("error", error);
        o.set("logging", logging);
        offer(new Item("node", o.toString()));
    }

    private void offer(Item item) {
        if (!queue.offer(item)) {
            dropped.incrementAndGet();
        }
    }

    /** What arrived since the last call, oldest first. */
    public List<Item> drain() {
        List<Item> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }

    /** Rows lost because this viewer read too slowly. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        closed = true;
        for (NodeTransport.StreamResponse r : open) {
            r.close();
        }
        readers.forEach(Thread::interrupt);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The pod that had the row's client IP at the row's time (a reused IP keeps its older rows' pod). */
    private Optional<PodRef> podAt(String ip, String time) {
        Instant at;
        try {
            at = time == null ? Instant.now() : Instant.parse(time);
        } catch (RuntimeException e) {
            at = Instant.now();
        }
        return pods.lookup(ip, at);
    }
}
