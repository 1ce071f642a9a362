package io.nodecache.dns.runtime;

import io.nodecache.corefile.CacheConfig;
import io.nodecache.corefile.ForwardConfig;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.ServerBlock;
import io.nodecache.dns.cache.CacheListener;
import io.nodecache.dns.cache.CacheStage;
import io.nodecache.dns.cache.ResponseCache;
import io.nodecache.dns.event.QueryEventSink;
import io.nodecache.dns.server.DnsServer;
import io.nodecache.dns.server.QueryHandler;
import io.nodecache.dns.server.Router;
import io.nodecache.dns.upstream.ForwardListener;
import io.nodecache.dns.upstream.Forwarder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running node built from a {@link NodeConfig}: listeners, one pipeline per server block (loop, cache,
 * forward), health servers and readiness.
 *
 * <p>{@link #apply} may be called again with a new configuration (reload): caches and forwarders whose
 * configuration did not change are kept with their entries, health state and connections, routers are swapped
 * in place, and only then are the replaced pieces closed.
 */
public final class NodeRuntime implements AutoCloseable {

    private static final InetAddress ANY;

    static {
        try {
            ANY = InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RuntimeOptions options;
    private final QueryEventSink events;
    private final Clock clock;
    private final PrintStream log;
    private final Consumer<String> onLoop;
    private final ForwardListener forwardListener;
    private final DnsServer server;
    private final Readiness readiness = new Readiness();
    private final List<Consumer<NodeRuntime>> appliedListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodecache-runtime");
        t.setDaemon(true);
        return t;
    });

    private Map<CacheKey, ResponseCache> caches = Map.of();
    private Map<ForwardConfig, Forwarder> forwarders = Map.of();
    private Map<InetSocketAddress, HealthServer> healthServers = Map.of();
    private Map<InetSocketAddress, InetSocketAddress> bound = Map.of();
    private NodeConfig config;

    /**
     * @param log    where {@code errors} lines go (stdout in production, as CoreDNS)
     * @param onLoop called once with CoreDNS's message when a forwarding loop is detected
     */
    public NodeRuntime(RuntimeOptions options, QueryEventSink events, Clock clock, PrintStream log,
            Consumer<String> onLoop, ForwardListener forwardListener) {
        this.options = options;
        this.events = events;
        this.clock = clock;
        this.log = log;
        this.onLoop = onLoop;
        this.forwardListener = forwardListener;
        this.server = new DnsServer(events, options.udpThreads(), options.tcp(), options.epoll());
    }

    /**
     * Builds and installs the pipelines of {@code next}. On failure (an address cannot be bound) nothing changes
     * and the previous configuration keeps serving.
     */
    public synchronized void apply(NodeConfig next) throws IOException {
        Map<CacheKey, ResponseCache> newCaches = new HashMap<>();
        Map<ForwardConfig, Forwarder> newForwarders = new LinkedHashMap<>();
        Map<InetSocketAddress, Map<String, QueryHandler>> routes = new LinkedHashMap<>();
        List<LoopDetector> loops = new ArrayList<>();
        for (ServerBlock block : next.blocks()) {
            for (String zone : block.zones()) {
                QueryHandler pipeline = Terminal.SERVFAIL;
                if (block.forward().isPresent()) {
                    ForwardConfig fc = block.forward().get();
                    Forwarder f = newForwarders.computeIfAbsent(fc, c -> forwarders.containsKey(c)
                            ? forwarders.get(c) : new Forwarder(c, forwardListener, options.readTimeout(),
                                    options.deadline()));
                    pipeline = new ForwardStage(f, pipeline, block.errors() ? log : null);
                }
                if (block.cache().isPresent()) {
                    CacheKey key = new CacheKey(zone, block.port(), block.cache().get());
                    ResponseCache cache = newCaches.computeIfAbsent(key,
                            k -> caches.containsKey(k) ? caches.get(k) : new ResponseCache(k.config(), clock, CacheListener.NONE));
                    pipeline = new CacheStage(cache, pipeline);
                }
                if (block.loop()) {
                    LoopDetector loop = new LoopDetector(zone, pipeline, onLoop);
                    loops.add(loop);
                    pipeline = loop;
                }
                for (InetAddress address : block.binds().isEmpty() ? List.of(ANY) : block.binds()) {
                    routes.computeIfAbsent(new InetSocketAddress(address, block.port()), a -> new LinkedHashMap<>())
                            .put(zone, pipeline);
                }
            }
        }
        Map<InetSocketAddress, QueryHandler> routers = new LinkedHashMap<>();
        routes.forEach((address, zones) -> routers.put(address, new Router(zones, server.counters())));
        Map<InetSocketAddress, HealthServer> newHealth = new LinkedHashMap<>();
        try {
            startHealthServers(next, newHealth);
            bound = server.apply(routers);
        } catch (IOException | RuntimeException e) {
            // Nothing of the new configuration may stay behind: the old one keeps serving as it was (a reload), or
            // the node has nothing bound at all (a start).
            newHealth.forEach((a, h) -> {
                if (!healthServers.containsKey(a)) {
                    h.close();
                }
            });
            newForwarders.forEach((c, f) -> {
                if (!forwarders.containsKey(c)) {
                    f.close();
                }
            });
            throw e;
        }
        forwarders.forEach((c, f) -> {
            if (!newForwarders.containsKey(c)) {
                f.close();
            }
        });
        healthServers.forEach((a, h) -> {
            if (!newHealth.containsKey(a)) {
                h.close();
            }
        });
        caches = newCaches;
        forwarders = newForwarders;
        healthServers = newHealth;
        boolean first = config == null;
        config = next;
        appliedListeners.forEach(l -> l.accept(this));
        readiness.listening(true);
        if (first) {
            for (LoopDetector loop : loops) {
                loop.probe(selfAddress(loop, routes), options.loopPatience());
            }
            scheduler.execute(this::checkReadiness);
        }
    }

    private InetSocketAddress selfAddress(LoopDetector loop, Map<InetSocketAddress, Map<String, QueryHandler>> routes) {
        for (Map.Entry<InetSocketAddress, Map<String, QueryHandler>> e : routes.entrySet()) {
            if (e.getValue().containsValue(loop)) {
                InetSocketAddress actual = bound.get(e.getKey());
                InetAddress a = actual.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress()
                        : actual.getAddress();
                return new InetSocketAddress(a, actual.getPort());
            }
        }
        throw new IllegalStateException("loop detector without an address");
    }

    /** Fills {@code out} as it goes, so a caller whose second health address fails can close the first. */
    private void startHealthServers(NodeConfig next, Map<InetSocketAddress, HealthServer> out) throws IOException {
        Set<InetSocketAddress> wanted = new LinkedHashSet<>();
        next.blocks().forEach(b -> b.health().ifPresent(wanted::add));
        for (InetSocketAddress a : wanted) {
            HealthServer h = healthServers.get(a);
            if (h == null) {
                h = new HealthServer(a, readiness);
                out.put(a, h);
                h.start();
            }
            out.put(a, h);
        }
    }

    /** Probes the first upstream of the first forwarding block until it answers, then marks the node ready. */
    private void checkReadiness() {
        Optional<Forwarder> first;
        synchronized (this) {
            first = forwarders.values().stream().findFirst();
        }
        if (first.isEmpty()) {
            readiness.upstreamHealthy(true);
            return;
        }
        Forwarder f = first.get();
        InetSocketAddress target = configOf(f).to().get(0);
        f.probe(target).whenComplete((ok, err) -> {
            if (Boolean.TRUE.equals(ok)) {
                readiness.upstreamHealthy(true);
            } else {
                scheduler.schedule(this::checkReadiness, 1, TimeUnit.SECONDS);
            }
        });
    }

    private synchronized ForwardConfig configOf(Forwarder f) {
        return forwarders.entrySet().stream().filter(e -> e.getValue() == f).findFirst().orElseThrow().getKey();
    }

    /**
     * Calls {@code listener} after each configuration is installed (on the applying thread, holding this runtime's
     * lock), so the metrics layer can follow caches, labels and the {@code prometheus} addresses across reloads.
     */
    public void onApplied(Consumer<NodeRuntime> listener) {
        appliedListeners.add(listener);
    }

    /** The address actually bound for {@code requested} (they differ when the Corefile asked for port 0). */
    public synchronized InetSocketAddress boundAddress(InetSocketAddress requested) {
        return bound.get(requested);
    }

    /** Every bound DNS address. */
    public List<InetSocketAddress> addresses() {
        return server.addresses();
    }

    public synchronized NodeConfig config() {
        return config;
    }

    public Readiness readiness() {
        return readiness;
    }

    public DnsServer server() {
        return server;
    }

    public synchronized Map<String, ResponseCache> caches() {
        Map<String, ResponseCache> out = new LinkedHashMap<>();
        caches.forEach((k, v) -> out.put(k.zone() + ":" + k.port(), v));
        return out;
    }

    public synchronized List<Forwarder> forwarders() {
        return List.copyOf(forwarders.values());
    }

    /** The health servers' actual addresses. */
    public synchronized List<InetSocketAddress> healthAddresses() {
        return healthServers.values().stream().map(HealthServer::address).toList();
    }

    /**
     * Stops answering: closes the DNS listeners and the health servers, keeping caches and forwarders for
     * {@link #close()}. What a stopping node does at the end of its lameduck period.
     */
    public void closeListeners() {
        server.close();
        List<HealthServer> health;
        synchronized (this) {
            health = List.copyOf(healthServers.values());
        }
        health.forEach(HealthServer::close);
    }

    @Override
    public synchronized void close() {
        scheduler.shutdownNow();
        server.close();
        forwarders.values().forEach(Forwarder::close);
        healthServers.values().forEach(HealthServer::close);
    }

    /** A cache survives a reload when its zone, port and configuration are unchanged. */
    private record CacheKey(String zone, int port, CacheConfig config) {}
}
