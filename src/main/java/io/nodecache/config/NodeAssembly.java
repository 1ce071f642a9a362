package io.nodecache.config;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.runtime.RuntimeOptions;
import io.nodecache.metrics.ForwardListeners;
import io.nodecache.metrics.NodeMetrics;
import io.nodecache.netif.SetupErrors;
import io.nodecache.querylog.LiveQueryStream;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.NonBlockingLog;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.querylog.QueryLogBuffer;
import io.nodecache.querylog.StdoutQueryLog;
import io.nodecache.searchpath.ChainDetector;
import io.nodecache.searchpath.ChainFeed;
import io.nodecache.stats.EventCounters;
import io.nodecache.stats.StatsSampler;
import io.nodecache.stats.UpstreamLatency;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/**
 * Every part of a node, built from its properties and started: the DNS path, the event dispatcher and its
 * consumers (query log, stats, chains), metrics. Spring only registers these as beans afterwards.
 */
final class NodeAssembly {

    /**
     * Events buffered between the DNS threads and the dispatcher, which drains them at least every 20 ms: 8192
     * covers 400 000 events/s; each slot costs ~330 bytes of heap. A power of two.
     */
    private static final int EVENT_RING_CAPACITY = 1 << 13;

    final NodeProperties props;
    final Clock clock = Clock.systemUTC();
    /** stdout for every line the node writes (query log, errors, reloads); never blocks its writers. */
    final NonBlockingLog stdout = CurrentStdout.nonBlocking();
    final PrintStream log = new PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8);
    final QueryEventRing ring = new QueryEventRing(EVENT_RING_CAPACITY, clock);
    final LoggingSwitch logging = new LoggingSwitch(clock);
    final QueryLogBuffer recent;
    final LiveQueryStream live = new LiveQueryStream(logging);
    final EventCounters counters = new EventCounters();
    final ChainDetector chains;
    final UpstreamLatency upstreamLatency = new UpstreamLatency();
    final QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring);
    // One exposition for the Corefile's prometheus address and /actuator/prometheus: Boot's Micrometer registry
    // writes into this PrometheusRegistry too (DnsBootstrap).
    final PrometheusRegistry prometheus = new PrometheusRegistry();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus,
            io.micrometer.core.instrument.Clock.SYSTEM);
    final NodeMetrics metrics = new NodeMetrics(registry, log);
    /** coredns_nodecache_setup_errors_total: the host networking and the ConfigMap sync count here. */
    final SetupErrors setupErrors = new SetupErrors();
    final NodeRuntime runtime;
    final DnsLifecycle lifecycle;
    /** The host networking, or null when neither setupinterface nor setupiptables is on. */
    final NodeNetworking networking;
    final StatsSampler sampler;

    NodeAssembly(NodeProperties props) {
        this.props = props;
        this.recent = new QueryLogBuffer(props.queryLogSize(), logging);
        // 256 recent chains (the page shows 200): each kept chain is ~2 KB that every young GC copies while a
        // chatty pod turns the ring over, which showed in the ndots workload's GC pauses.
        this.chains = new ChainDetector(props.dnsDomain().endsWith(".") ? props.dnsDomain()
                : props.dnsDomain() + ".", ChainDetector.DEFAULT_WINDOW, ChainDetector.DEFAULT_MAX_TRACKED, 256);
        dispatcher.subscribe(counters);
        dispatcher.subscribe(new ChainFeed(chains));
        dispatcher.subscribe(new StdoutQueryLog(log, logging));
        dispatcher.subscribe(recent);
        dispatcher.subscribe(live);
        RuntimeOptions defaults = RuntimeOptions.defaults();
        RuntimeOptions options = new RuntimeOptions(
                props.udpThreads() > 0 ? props.udpThreads() : defaults.udpThreads(),
                "epoll".equalsIgnoreCase(props.udpTransport()), props.tcpLimits(),
                props.readTimeout(), props.deadline(), Duration.ofSeconds(30));
        this.runtime = new NodeRuntime(options, ring, clock, log, message -> LoopExit.exit(log, message),
                ForwardListeners.of(upstreamLatency, metrics.forwardListener()));
        this.networking = NodeNetworking.of(props, log, setupErrors);
        this.lifecycle = new DnsLifecycle(props, runtime, dispatcher, logging, log, networking, setupErrors);
        metrics.bind(runtime, dispatcher, chains, logging, lifecycle::reloadFailures);
        metrics.bindQueryLog(stdout, live);
        // Served with or without host networking: the configmap errortype counts the ConfigMap sync's failures.
        metrics.bindSetupErrors(setupErrors::snapshot);
        this.sampler = new StatsSampler(counters, runtime::caches, clock);
    }

    /** Starts DNS (fails on a bad Corefile, naming the line) and the per-second sampler. */
    NodeAssembly start() {
        try {
            lifecycle.start();
        } catch (RuntimeException e) {
            metrics.close();
            stdout.close(1000);
            throw e;
        }
        sampler.start();
        return this;
    }

    void stop() {
        sampler.close();
        lifecycle.stop();
        metrics.close();
        stdout.close(1000);
    }
}
