package io.nodecache.config;

import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.runtime.RuntimeOptions;
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

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            start(prepared);
        } else if (event instanceof ApplicationFailedEvent && lifecycle != null) {
            lifecycle.stop();
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
        NodeRuntime runtime = new NodeRuntime(options, ring, clock, log, message -> LoopExit.exit(log, message),
                upstreamLatency);
        DnsLifecycle node = new DnsLifecycle(props, runtime, dispatcher, logging, log);
        node.start();
        lifecycle = node;
        StatsSampler sampler = new StatsSampler(counters, runtime::caches, clock);
        sampler.start();
        event.getSpringApplication().addInitializers(context -> {
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
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
