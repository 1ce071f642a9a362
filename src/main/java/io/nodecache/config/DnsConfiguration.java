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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Builds the DNS path (plain Java) once at start; {@link DnsLifecycle} starts and stops it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NodeProperties.class)
class DnsConfiguration {

    /** Events kept for slow readers; a power of two. */
    private static final int EVENT_RING_CAPACITY = 1 << 16;

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    PrintStream corednsLog() {
        // CoreDNS writes its log and errors lines to stdout, and kubectl logs reads them there.
        return System.out;
    }

    @Bean
    QueryEventRing queryEventRing(Clock clock) {
        return new QueryEventRing(EVENT_RING_CAPACITY, clock);
    }

    @Bean(destroyMethod = "close")
    QueryEventDispatcher queryEventDispatcher(QueryEventRing ring, StdoutQueryLog stdoutQueryLog) {
        QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring);
        dispatcher.subscribe(stdoutQueryLog);
        return dispatcher;
    }

    @Bean
    StdoutQueryLog stdoutQueryLog(PrintStream corednsLog) {
        return new StdoutQueryLog(corednsLog);
    }

    @Bean
    NodeProperties effectiveNodeProperties(NodeProperties properties, Environment env) {
        return NodeCacheFlags.apply(properties, env);
    }

    @Bean(destroyMethod = "close")
    NodeRuntime nodeRuntime(NodeProperties effectiveNodeProperties, QueryEventRing ring, Clock clock,
            PrintStream corednsLog) {
        NodeProperties p = effectiveNodeProperties;
        RuntimeOptions defaults = RuntimeOptions.defaults();
        RuntimeOptions options = new RuntimeOptions(
                p.udpThreads() > 0 ? p.udpThreads() : defaults.udpThreads(),
                defaults.tcpIdle(), defaults.tcpMaxConnections(), p.readTimeout(), p.deadline(),
                Duration.ofSeconds(30));
        return new NodeRuntime(options, ring, clock, corednsLog, message -> LoopExit.exit(corednsLog, message),
                new ForwardListener() { });
    }

    @Bean
    DnsLifecycle dnsLifecycle(NodeProperties effectiveNodeProperties, NodeRuntime nodeRuntime,
            QueryEventDispatcher dispatcher, StdoutQueryLog stdoutQueryLog, PrintStream corednsLog) {
        return new DnsLifecycle(effectiveNodeProperties, nodeRuntime, dispatcher, stdoutQueryLog, corednsLog);
    }

    /** Joins the readiness probe group: DOWN until the listeners are bound and an upstream has answered. */
    @Bean
    HealthIndicator dnsHealthIndicator(NodeRuntime nodeRuntime) {
        return () -> nodeRuntime.readiness().ready()
                ? Health.up().build()
                : Health.outOfService().withDetail("reason", nodeRuntime.readiness().describe()).build();
    }
}
