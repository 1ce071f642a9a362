package io.nodecache.config;

import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.runtime.RuntimeOptions;
import io.nodecache.dns.upstream.ForwardListener;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.querylog.StdoutQueryLog;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the DNS node as soon as Spring has read the configuration, before the web side is built, so a node
 * answers DNS within about a second of starting; the parts are then registered as beans for the web side.
 *
 * <p>A node-local cache being late costs every pod on the node its lookups; the console can wait.
 */
public final class DnsBootstrap implements ApplicationListener<ApplicationEvent> {

    /** Events kept for slow readers; a power of two. */
    private static final int EVENT_RING_CAPACITY = 1 << 16;

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
        Clock clock = Clock.systemUTC();
        // CoreDNS writes its log and errors lines to stdout, and kubectl logs reads them there.
        PrintStream log = System.out;
        QueryEventRing ring = new QueryEventRing(EVENT_RING_CAPACITY, clock);
        StdoutQueryLog stdoutLog = new StdoutQueryLog(log);
        QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring);
        dispatcher.subscribe(stdoutLog);
        RuntimeOptions defaults = RuntimeOptions.defaults();
        RuntimeOptions options = new RuntimeOptions(
                props.udpThreads() > 0 ? props.udpThreads() : defaults.udpThreads(),
                !"nio".equalsIgnoreCase(props.udpTransport()), defaults.tcpIdle(), defaults.tcpMaxConnections(), props.readTimeout(), props.deadline(),
                Duration.ofSeconds(30));
        NodeRuntime runtime = new NodeRuntime(options, ring, clock, log, message -> LoopExit.exit(log, message),
                ForwardListener.NONE);
        DnsLifecycle node = new DnsLifecycle(props, runtime, dispatcher, stdoutLog, log);
        node.start();
        lifecycle = node;
        event.getSpringApplication().addInitializers(context -> {
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
            beans.registerSingleton("nodeProperties", props);
            beans.registerSingleton("clock", clock);
            beans.registerSingleton("queryEventRing", ring);
            beans.registerSingleton("queryEventDispatcher", dispatcher);
            beans.registerSingleton("stdoutQueryLog", stdoutLog);
            beans.registerSingleton("nodeRuntime", runtime);
            beans.registerSingleton("dnsLifecycle", node);
        });
    }
}
