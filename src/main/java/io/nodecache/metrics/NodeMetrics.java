package io.nodecache.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.ServerBlock;
import io.nodecache.dns.cache.ResponseCache;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.upstream.Forwarder;
import io.nodecache.dns.server.ServerCounters;
import io.nodecache.dns.server.TcpClose;
import io.nodecache.dns.server.Transport;
import io.nodecache.dns.upstream.ForwardListener;
import io.nodecache.querylog.LiveQueryStream;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.NonBlockingLog;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.searchpath.ChainDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics: CoreDNS's {@code coredns_*} series with CoreDNS's names, labels and buckets, plus
 * {@code nodecache_*}, in one registry (the one Spring's actuator also serves), exposed at {@code /metrics} on every
 * {@code prometheus} address of the running Corefile.
 *
 * <p>Built before the node starts; {@link #bind} must run before the first {@link NodeRuntime#apply}, after which
 * each applied configuration updates the labels, the cache series and the metrics listeners.
 */
public final class NodeMetrics implements AutoCloseable {

    private static final InetAddress ANY = anyAddress();

    private final PrometheusMeterRegistry registry;
    private final PrintStream log;
    private final RequestMeters requests;
    private final CacheMeters caches;
    private final ForwardMeters forward;
    private Map<InetSocketAddress, MetricsServer> servers = Map.of();
    /**
     * The function meters' state objects that nothing else holds: a meter keeps only a weak reference to its state,
     * and a method reference ({@code lifecycle::reloadFailures}) that only a meter holds is collected at the next GC,
     * after which the series reads NaN.
     */
    private final List<Object> meterStates = new ArrayList<>();

    /** @param log where a {@code prometheus} address that cannot be bound is reported (stdout, as CoreDNS's errors) */
    public NodeMetrics(PrometheusMeterRegistry registry, PrintStream log) {
        this.registry = registry;
        this.log = log;
        this.requests = new RequestMeters(registry);
        this.caches = new CacheMeters(registry);
        this.forward = new ForwardMeters(registry);
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Feeds {@code coredns_forward_*}; give it to the {@link NodeRuntime} (with others, via {@link ForwardListeners}). */
    public ForwardListener forwardListener() {
        return forward;
    }

    /**
     * Subscribes the per-query meters to {@code dispatcher}, registers the {@code nodecache_*} function meters and
     * {@code coredns_reload_failed_total}, and follows {@code runtime}'s configurations from now on.
     */
    public void bind(NodeRuntime runtime, QueryEventDispatcher dispatcher, ChainDetector chains,
            LoggingSwitch logging, LongSupplier reloadFailures) {
        dispatcher.subscribe(requests);
        ServerCounters server = runtime.server().counters();
        meterStates.add(reloadFailures);
        counter("coredns.reload.failed", "Counter of the number of failed reload attempts.", reloadFailures,
                x -> x.getAsLong());
        counter("coredns.panics", "A metrics that counts the number of panics (for nodecache: queries whose handling "
                + "threw and were answered SERVFAIL).", server, ServerCounters::handlerErrors);
        for (Transport t : Transport.values()) {
            // By transport, as coredns_dns_requests_total{proto}: a fuzzed TCP port shows apart from UDP.
            FunctionCounter.builder("nodecache.malformed.dropped", server, c -> c.malformedDropped(t))
                    .description("Packets that could not be parsed and were dropped unanswered (TCP: and the "
                            + "connection closed).").tag("transport", t.label()).register(registry);
            FunctionCounter.builder("nodecache.formerr", server, c -> c.formErr(t))
                    .description("Queries answered FORMERR before reaching a server block.")
                    .tag("transport", t.label()).register(registry);
        }
        counter("nodecache.tcp.truncated", "TCP frames cut short (the stream closed or idled out inside a length "
                + "prefix or message); never answered, the connection closed.", server, ServerCounters::tcpTruncated);
        counter("nodecache.notimp", "Queries answered NOTIMP (opcodes other than QUERY).", server,
                ServerCounters::notImp);
        counter("nodecache.refused.no.zone", "Queries answered REFUSED because no server block serves their name.",
                server, ServerCounters::refused);
        counter("nodecache.handler.errors", "Queries whose handling threw; each was answered SERVFAIL.", server,
                ServerCounters::handlerErrors);
        counter("nodecache.tcp.connections", "TCP connections accepted.", server, ServerCounters::tcpConnections);
        counter("nodecache.tcp.rejected", "TCP connections closed at once because too many were open.", server,
                ServerCounters::tcpRejected);
        Gauge.builder("nodecache.tcp.open", server, ServerCounters::tcpOpen)
                .description("TCP connections open now.").register(registry);
        counter("nodecache.tcp.paused", "Times reading a TCP connection paused: its queries in flight at the cap, "
                + "or its answers unread.", server, ServerCounters::tcpPaused);
        for (TcpClose reason : TcpClose.values()) {
            FunctionCounter.builder("nodecache.tcp.closed", server, s -> s.tcpClosed(reason))
                    .description("TCP connections the node closed: idle, read_timeout (a message too slow to "
                            + "arrive), write_timeout (answers left unread), max_queries, malformed.")
                    .tag("reason", reason.label()).register(registry);
        }
        counter("nodecache.events.lost", "Query events overwritten before the dispatcher read them (counters and "
                + "logs missed them).", dispatcher, QueryEventDispatcher::lost);
        counter("nodecache.search.chains", "Search-domain expansion chains detected.", chains,
                ChainDetector::chainsSeen);
        counter("nodecache.search.wasted.queries", "Queries spent on search-list suffixes before the name resolved.",
                chains, ChainDetector::wastedQueries);
        counter("nodecache.search.dropped.starts", "Possible chain starts not tracked because the detector was full.",
                chains, ChainDetector::droppedStarts);
        Gauge.builder("nodecache.query.logging.enabled", logging, l -> l.state().enabled() ? 1 : 0)
                .description("1 while per-query logging is on, 0 while it is off.").register(registry);
        // forward's max_concurrent is what keeps a flood of misses from opening a socket per query without bound;
        // these show the cap holding (CoreDNS exposes only the rejects)
        Gauge.builder("nodecache.forward.inflight", runtime,
                        r -> r.forwarders().stream().mapToInt(Forwarder::inFlight).sum())
                .description("Queries forwarded and not yet answered, over every forward that sets max_concurrent "
                        + "(the others are not counted).").register(registry);
        Gauge.builder("nodecache.forward.inflight.peak", runtime,
                        r -> r.forwarders().stream().mapToInt(Forwarder::peakInFlight).max().orElse(0))
                .description("The most queries one forward with max_concurrent had in flight at once since it "
                        + "started.").register(registry);
        runtime.onApplied(this::applied);
    }

    /** The query log's losses: stdout lines dropped because stdout did not take them, live rows dropped and cut. */
    public void bindQueryLog(NonBlockingLog stdout, LiveQueryStream live) {
        counter("nodecache.querylog.lines.dropped", "Log lines (query log, errors) dropped because stdout did not "
                + "take them (a log pipe nobody drains).", stdout, NonBlockingLog::droppedLines);
        counter("nodecache.querylog.stream.rows.dropped", "Live stream rows dropped for viewers that read too "
                + "slowly.", live, LiveQueryStream::dropped);
        counter("nodecache.querylog.stream.cut", "Live streams ended because their viewer stopped reading.", live,
                LiveQueryStream::cut);
        Gauge.builder("nodecache.querylog.stream.viewers", live, LiveQueryStream::viewers)
                .description("Live query stream viewers open now.").register(registry);
    }

    /**
     * node-cache's {@code coredns_nodecache_setup_errors_total{errortype}}: failures of the host networking's
     * interface and iptables work and of the kube-dns ConfigMap sync ({@code configmap}), by type.
     */
    public void bindSetupErrors(java.util.function.Supplier<java.util.Map<String, Long>> errors) {
        meterStates.add(errors);
        for (String type : errors.get().keySet()) {
            FunctionCounter.builder("coredns.nodecache.setup.errors", errors,
                            e -> e.get().getOrDefault(type, 0L))
                    .description("The number of errors during periodic network setup for node-cache.")
                    .tag("errortype", type).register(registry);
        }
    }

    private <T> void counter(String name, String help, T state, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, state, f).description(help).register(registry);
    }

    /** Follows a newly applied configuration; never throws into the runtime. */
    private synchronized void applied(NodeRuntime runtime) {
        try {
            NodeConfig config = runtime.config();
            Map<String, ResponseCache> byKey = runtime.caches();
            Map<String, String> serverByZone = new LinkedHashMap<>();
            Map<CacheMeters.Labels, ResponseCache> cacheSeries = new LinkedHashMap<>();
            Set<InetSocketAddress> wanted = new LinkedHashSet<>();
            String first = null;
            for (ServerBlock block : config.blocks()) {
                String server = serverLabel(runtime, block);
                if (first == null) {
                    first = server;
                }
                for (String zone : block.zones()) {
                    serverByZone.putIfAbsent(zone, server);
                    ResponseCache cache = byKey.get(zone + ":" + block.port());
                    if (cache != null) {
                        cacheSeries.putIfAbsent(new CacheMeters.Labels(server, zone), cache);
                    }
                }
                block.prometheus().ifPresent(wanted::add);
            }
            requests.route(serverByZone, first == null ? "dns://:53" : first);
            caches.caches(cacheSeries);
            serve(wanted);
        } catch (RuntimeException e) {
            log.println("[ERROR] plugin/prometheus: cannot follow the new configuration: " + e);
        }
    }

    /**
     * The {@code server} label of a block: its first listener as bound. CoreDNS opens one server per {@code bind}
     * address and labels each; nodecache shares one pipeline between them and counts under the first.
     */
    private static String serverLabel(NodeRuntime runtime, ServerBlock block) {
        InetAddress address = block.binds().isEmpty() ? ANY : block.binds().get(0);
        InetSocketAddress requested = new InetSocketAddress(address, block.port());
        InetSocketAddress bound = runtime.boundAddress(requested);
        return CoreDnsLabels.server(bound != null ? bound : requested);
    }

    private void serve(Set<InetSocketAddress> wanted) {
        Map<InetSocketAddress, MetricsServer> next = new LinkedHashMap<>();
        for (InetSocketAddress a : wanted) {
            MetricsServer s = servers.get(a);
            if (s == null) {
                try {
                    s = new MetricsServer(a, registry).start();
                } catch (IOException e) {
                    log.println("[ERROR] plugin/prometheus: cannot listen on " + a + ": " + e.getMessage());
                    continue;
                }
            }
            next.put(a, s);
        }
        servers.forEach((a, s) -> {
            if (!next.containsKey(a)) {
                s.close();
            }
        });
        servers = next;
    }

    /** The actual addresses {@code /metrics} is served on (they differ from the Corefile's for port 0). */
    public synchronized List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        servers.values().forEach(s -> out.add(s.address()));
        return out;
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(MetricsServer::close);
        servers = Map.of();
    }
}
