package io.nodecache.config;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the DNS node before the web side exists, then hands its parts to Spring as beans.
 *
 * <p>A node-local cache being late costs every pod on the node its lookups; the console can wait. So
 * {@code main} starts the node from the arguments, system properties and environment alone ({@link #startEarly}),
 * before Spring Boot has even set up logging; when Spring has read its whole configuration, the node is kept if
 * that configuration says the same, and rebuilt if a source the early start cannot see (an
 * {@code application.properties}, a profile) changed it. Without {@code main} (tests), the node starts when
 * Spring's environment is ready.
 */
public final class DnsBootstrap implements ApplicationListener<ApplicationEvent>, Ordered {

    /** {@code false} for an application context that is a dashboard alone. */
    public static final String NODE_ENABLED = "nodecache.node.enabled";

    private static final AtomicReference<NodeAssembly> EARLY = new AtomicReference<>();

    private NodeAssembly node;

    /** Starts the node from {@code args}, system properties and environment variables, for {@link #main}'s caller. */
    public static void startEarly(String[] args) {
        EARLY.set(new NodeAssembly(EarlyProperties.read(args, System.getenv(), System.getProperties())).start());
    }

    /** After the environment post-processors (config data at HIGHEST_PRECEDENCE + 10), before logging (+ 20). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 15;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            start(prepared);
        } else if (event instanceof ApplicationReadyEvent && node != null) {
            node.lifecycle.applicationStarted();
        } else if (event instanceof ApplicationFailedEvent && node != null) {
            node.stop();
        }
    }

    private static NodeProperties bind(ConfigurableEnvironment env) {
        return NodeCacheFlags.apply(Binder.get(env).bindOrCreate("nodecache", NodeProperties.class), env);
    }

    private void start(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        if (!env.getProperty(NODE_ENABLED, Boolean.class, true)) {
            // A dashboard alone: no DNS listeners, no node beans.
            return;
        }
        NodeProperties props = bind(env);
        // Node defaults at the lowest precedence, so any explicit setting wins: demo pods only in the embedded
        // default; readiness waits for DNS (the dashboard's context has no such indicator).
        env.getPropertySources().addLast(new MapPropertySource("nodecacheNodeDefaults", Map.of(
                "nodecache.demo.enabled", props.conf().isBlank(),
                "management.endpoint.health.group.readiness.include", "readinessState,dns")));
        NodeAssembly early = EARLY.getAndSet(null);
        if (early != null && early.props.equals(props)) {
            node = early;
        } else {
            if (early != null) {
                early.log.println("[INFO] nodecache: the full configuration differs from the arguments'"
                        + " (application.properties?): restarting the DNS node with it");
                early.stop();
            }
            node = new NodeAssembly(props).start();
        }
        NodeAssembly n = node;
        event.getSpringApplication().addInitializers(context -> register(context, n));
    }

    private static void register(org.springframework.context.ConfigurableApplicationContext context, NodeAssembly n) {
        ConfigurableListableBeanFactory beans = context.getBeanFactory();
        if (context instanceof GenericApplicationContext generic) {
            // Only the node's PrometheusRegistry, not its Micrometer registry: Boot builds its own Micrometer
            // registry on it (JVM, process, web and auth meters, with Boot's filters), so both endpoints show one
            // exposition. Handing Boot the node's registry made Boot add its filters to a registry already holding
            // the CoreDNS meters, which Micrometer warns about at every start.
            generic.registerBean("prometheusRegistry", io.prometheus.metrics.model.registry.PrometheusRegistry.class,
                    () -> n.prometheus);
            // A definition too, so the context closes its /metrics servers (AutoCloseable) on shutdown.
            generic.registerBean("nodeMetrics", io.nodecache.metrics.NodeMetrics.class, () -> n.metrics);
        } else {
            beans.registerSingleton("prometheusRegistry", n.prometheus);
            beans.registerSingleton("nodeMetrics", n.metrics);
        }
        beans.registerSingleton("nodeProperties", n.props);
        beans.registerSingleton("clock", n.clock);
        beans.registerSingleton("queryEventRing", n.ring);
        beans.registerSingleton("queryEventDispatcher", n.dispatcher);
        beans.registerSingleton("loggingSwitch", n.logging);
        beans.registerSingleton("queryLogBuffer", n.recent);
        beans.registerSingleton("liveQueryStream", n.live);
        beans.registerSingleton("nodeStdout", n.stdout);
        beans.registerSingleton("eventCounters", n.counters);
        beans.registerSingleton("chainDetector", n.chains);
        beans.registerSingleton("upstreamLatency", n.upstreamLatency);
        beans.registerSingleton("statsSampler", n.sampler);
        beans.registerSingleton("nodeRuntime", n.runtime);
        beans.registerSingleton("dnsLifecycle", n.lifecycle);
        if (n.networking != null) {
            beans.registerSingleton("networkSetup", n.networking.setup());
        }
    }
}
