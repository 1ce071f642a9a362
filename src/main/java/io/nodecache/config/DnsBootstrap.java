package io.nodecache.config;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.runtime.RuntimeOptions;
import io.nodecache.metrics.ForwardListeners;
import io.nodecache.metrics.NodeMetrics;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.querylog.LiveQueryStream;
import io.nodecache.querylog.LoggingSwitch;
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
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the DNS node as soon as Spring has read the configuration, before the web side is built, so a node
 * answers DNS within about a second of starting; the parts are then registered as beans for the web side.
 *
 * <p>A node-local cache being late costs every pod on the node its lookups; the console can wait.
 */
public final class DnsBootstrap implements ApplicationListener<ApplicationEvent> {

    /** Events buffered between the DNS threads and the dispatcher, which drains them every 2 ms: 8192 covers
     * 4 M events/s; each slot costs ~330 bytes of heap. A power of two. */
    private static final int EVENT_RING_CAPACITY = 1 << 13;

    private DnsLifecycle lifecycle;
    private NodeMetrics metrics;

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            start(prepared);
        } else if (event instanceof ApplicationFailedEvent && lifecycle != null) {
            lifecycle.stop();
            metrics.close();
        }
    }

    private void start(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        NodeProperties props = NodeCacheFlags.apply(
                Binder.get(env).bindOrCreate("nodecache", NodeProperties.class), env);
        // Demo pods by default only in the embedded default; lowest precedence, so any explicit setting wins.
        env.getPropertySources().addLast(new MapPropertySource("nodecacheDemoDefault",
                Map.of("nodecache.demo.enabled", props.conf().isBlank())));
        Clock clock = Clock.systemUTC();
        // CoreDNS writes its log and errors lines to stdout, and kubectl logs reads them there. Resolved per
        // write, not once, so whatever System.out is now (a test's capture, say) gets the lines.
        PrintStream log = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.out.write(b, off, len);
            }

            @Override
            public void flush() {
                System.out.flush();
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
        QueryEventRing ring = new QueryEventRing(EVENT_RING_CAPACITY, clock);
        LoggingSwitch logging = new LoggingSwitch(clock);
        StdoutQueryLog stdoutLog = new StdoutQueryLog(log, logging);
        QueryLogBuffer recent = new QueryLogBuffer(props.queryLogSize(), logging);
        LiveQueryStream live = new LiveQueryStream(logging);
        EventCounters counters = new EventCounters();
        ChainDetector chains = new ChainDetector(props.dnsDomain().endsWith(".") ? props.dnsDomain()
                : props.dnsDomain() + ".");
        UpstreamLatency upstreamLatency = new UpstreamLatency();
        QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring);
        dispatcher.subscribe(counters);
        dispatcher.subscribe(new ChainFeed(chains));
        dispatcher.subscribe(stdoutLog);
        dispatcher.subscribe(recent);
        dispatcher.subscribe(live);
        RuntimeOptions defaults = RuntimeOptions.defaults();
        RuntimeOptions options = new RuntimeOptions(
                props.udpThreads() > 0 ? props.udpThreads() : defaults.udpThreads(),
                !"nio".equalsIgnoreCase(props.udpTransport()), defaults.tcpIdle(), defaults.tcpMaxConnections(), props.readTimeout(), props.deadline(),
                Duration.ofSeconds(30));
        // One registry for the Corefile's prometheus address and /actuator/prometheus; Boot backs off its own.
        PrometheusRegistry prometheus = new PrometheusRegistry();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus,
                io.micrometer.core.instrument.Clock.SYSTEM);
        NodeMetrics nodeMetrics = new NodeMetrics(registry, log);
        NodeRuntime runtime = new NodeRuntime(options, ring, clock, log, message -> LoopExit.exit(log, message),
                ForwardListeners.of(upstreamLatency, nodeMetrics.forwardListener()));
        DnsLifecycle node = new DnsLifecycle(props, runtime, dispatcher, logging, log);
        nodeMetrics.bind(runtime, dispatcher, chains, logging, node::reloadFailures);
        metrics = nodeMetrics;
        try {
            node.start();
        } catch (RuntimeException e) {
            nodeMetrics.close();
            throw e;
        }
        lifecycle = node;
        StatsSampler sampler = new StatsSampler(counters, runtime::caches, clock);
        sampler.start();
        event.getSpringApplication().addInitializers(context -> {
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
            if (context instanceof GenericApplicationContext generic) {
                // Bean definitions (not bare singletons) so Boot's MeterRegistryPostProcessor still applies its
                // customizers, filters and binders (JVM, process) to the registry.
                generic.registerBean("prometheusRegistry", PrometheusRegistry.class, () -> prometheus);
                generic.registerBean("prometheusMeterRegistry", PrometheusMeterRegistry.class, () -> registry);
                // A definition too, so the context closes its /metrics servers (AutoCloseable) on shutdown.
                generic.registerBean("nodeMetrics", NodeMetrics.class, () -> nodeMetrics);
            } else {
                beans.registerSingleton("prometheusRegistry", prometheus);
                beans.registerSingleton("prometheusMeterRegistry", registry);
                beans.registerSingleton("nodeMetrics", nodeMetrics);
            }
            beans.registerSingleton("nodeProperties", props);
            beans.registerSingleton("clock", clock);
            beans.registerSingleton("queryEventRing", ring);
            beans.registerSingleton("queryEventDispatcher", dispatcher);
            beans.registerSingleton("loggingSwitch", logging);
            beans.registerSingleton("queryLogBuffer", recent);
            beans.registerSingleton("liveQueryStream", live);
            beans.registerSingleton("eventCounters", counters);
            beans.registerSingleton("chainDetector", chains);
            beans.registerSingleton("upstreamLatency", upstreamLatency);
            beans.registerSingleton("statsSampler", sampler);
            beans.registerSingleton("nodeRuntime", runtime);
            beans.registerSingleton("dnsLifecycle", node);
        });
    }
}
