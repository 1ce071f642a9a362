package io.nodecache.dashboard.web;

import io.nodecache.dashboard.ClusterMonitor;
import io.nodecache.dashboard.ClusterView;
import io.nodecache.dashboard.MergedQueryStream;
import io.nodecache.dashboard.NodeView;
import io.nodecache.dashboard.discovery.DiscoveredNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's Server-Sent Events: the overview after every refresh, and each viewer's merged query stream.
 * Every viewer is written by its own task, so one slow browser never delays the others or the refresh.
 */
@RestController
class ClusterStreamController implements org.springframework.context.SmartLifecycle {

    static final int VIEWER_BUFFER = 2_000;
    static final int MAX_STREAMED_NODES = 100;
    private static final long FLUSH_MILLIS = 200;
    private static final long KEEP_ALIVE_MILLIS = 15_000;

    private final ClusterMonitor monitor;
    private final Map<SseEmitter, Viewer> overviewViewers = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService keepAlive;
    /** Every open stream, ended first when the context stops, so the web server's graceful shutdown need not wait. */
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nodecache-dashboard-sse");
        t.setDaemon(true);
        return t;
    });

    ClusterStreamController(ClusterMonitor monitor) {
        this.monitor = monitor;
        monitor.onRefresh(view -> overviewViewers.forEach((emitter, v) -> v.offer(view)));
        keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nodecache-dashboard-keepalive");
            t.setDaemon(true);
            return t;
        });
        keepAlive.scheduleWithFixedDelay(() -> overviewViewers.values().forEach(Viewer::keepAlive),
                KEEP_ALIVE_MILLIS, KEEP_ALIVE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every stream before the web server's graceful shutdown (a later phase) starts waiting for requests: an
     * event stream never ends by itself, and would hold the shutdown for its whole timeout.
     */
    @Override
    public void stop() {
        running = false;
        open.forEach(SseEmitter::complete);
        open.clear();
        keepAlive.shutdownNow();
        writers.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @GetMapping(path = "/api/v1/cluster/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events() {
        SseEmitter emitter = new SseEmitter(0L);
        Viewer v = new Viewer(emitter);
        overviewViewers.put(emitter, v);
        open.add(emitter);
        Runnable gone = () -> {
            overviewViewers.remove(emitter);
            open.remove(emitter);
        };
        emitter.onCompletion(gone);
        emitter.onTimeout(gone);
        emitter.onError(e -> gone.run());
        v.offer(monitor.overview());
        return emitter;
    }

    /** One overview viewer: only the newest view waits, and one task at a time writes it. */
    private final class Viewer {
        final SseEmitter emitter;
        final AtomicReference<ClusterView> pending = new AtomicReference<>();
        final AtomicBoolean writing = new AtomicBoolean();

        Viewer(SseEmitter emitter) {
            this.emitter = emitter;
        }

        void offer(ClusterView view) {
            pending.set(view);
            if (writing.compareAndSet(false, true)) {
                writers.execute(this::write);
            }
        }

        void write() {
            try {
                ClusterView view;
                while ((view = pending.getAndSet(null)) != null) {
                    emitter.send(SseEmitter.event().name("cluster").data(view, MediaType.APPLICATION_JSON));
                }
            } catch (IOException | IllegalStateException e) {
                overviewViewers.remove(emitter);
                emitter.completeWithError(e);
            } finally {
                writing.set(false);
            }
        }

        void keepAlive() {
            if (writing.compareAndSet(false, true)) {
                writers.execute(() -> {
                    try {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                    } catch (IOException | IllegalStateException e) {
                        overviewViewers.remove(emitter);
                    } finally {
                        writing.set(false);
                    }
                });
            }
        }
    }

    @GetMapping(path = "/api/v1/cluster/queries/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter queries(@RequestParam(required = false) String nodes, @RequestParam(required = false) String client,
            @RequestParam(required = false) String name, @RequestParam(required = false) String qtype,
            @RequestParam(required = false) String rcode, @RequestParam(required = false) String cache,
            @RequestParam(required = false) String namespace, @RequestParam(required = false) String pod) {
        List<DiscoveredNode> chosen = chosen(nodes);
        if (chosen.size() > MAX_STREAMED_NODES) {
            throw new IllegalArgumentException("nodes: at most " + MAX_STREAMED_NODES + " nodes per stream, "
                    + chosen.size() + " chosen: name the nodes to follow");
        }
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("client", client);
        filters.put("name", name);
        filters.put("qtype", qtype);
        filters.put("rcode", rcode);
        filters.put("cache", cache);
        String query = filters.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        MergedQueryStream merged = new MergedQueryStream(monitor.transport(), monitor.pods(),
                query.isEmpty() ? "" : "?" + query, namespace, pod, VIEWER_BUFFER, Duration.ofSeconds(5));
        SseEmitter emitter = new SseEmitter(0L);
        AtomicBoolean done = new AtomicBoolean();
        open.add(emitter);
        Runnable gone = () -> {
            done.set(true);
            open.remove(emitter);
            merged.close();
        };
        emitter.onCompletion(gone);
        emitter.onTimeout(gone);
        emitter.onError(e -> gone.run());
        merged.start(chosen);
        writers.execute(() -> pump(emitter, merged, done));
        return emitter;
    }

    /** Writes one viewer's rows every 200 ms until it goes away; its own task, so only it waits on its socket. */
    private static void pump(SseEmitter emitter, MergedQueryStream merged, AtomicBoolean done) {
        long reported = 0;
        long lastSent = System.currentTimeMillis();
        try {
            while (!done.get()) {
                List<MergedQueryStream.Item> items = merged.drain();
                for (MergedQueryStream.Item item : items) {
                    emitter.send(SseEmitter.event().name(item.type()).data(item.json(), MediaType.APPLICATION_JSON));
                }
                long dropped = merged.dropped();
                if (dropped > reported) {
                    reported = dropped;
                    emitter.send(SseEmitter.event().name("dropped").data(Map.of("dropped", dropped)));
                }
                long now = System.currentTimeMillis();
                if (!items.isEmpty()) {
                    lastSent = now;
                } else if (now - lastSent >= KEEP_ALIVE_MILLIS) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastSent = now;
                }
                Thread.sleep(FLUSH_MILLIS);
            }
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            merged.close();
        }
    }

    private List<DiscoveredNode> chosen(String nodes) {
        Set<String> names = nodes == null || nodes.isBlank() ? null
                : Arrays.stream(nodes.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
        List<DiscoveredNode> out = new ArrayList<>();
        for (NodeView v : monitor.nodes()) {
            if (NodeView.GONE.equals(v.state()) || (names != null && !names.contains(v.name()))) {
                continue;
            }
            monitor.discovered(v.name()).ifPresent(out::add);
        }
        if (names != null) {
            for (String n : names) {
                if (out.stream().noneMatch(d -> d.name().equals(n))) {
                    throw new NotFound("no node named '" + n + "'");
                }
            }
        }
        return out;
    }
}
