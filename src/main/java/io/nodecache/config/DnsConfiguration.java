package io.nodecache.config;

import io.nodecache.dns.runtime.NodeRuntime;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Web-side beans over the DNS node that {@link DnsBootstrap} started and registered ({@code nodeRuntime},
 * {@code queryEventRing}, {@code nodeProperties}, ...).
 */
@Configuration(proxyBeanMethods = false)
class DnsConfiguration {

    /** Joins the readiness probe group: OUT_OF_SERVICE until the listeners are bound and an upstream answered. */
    @Bean
    HealthIndicator dnsHealthIndicator(NodeRuntime nodeRuntime) {
        return () -> nodeRuntime.readiness().ready()
                ? Health.up().build()
                : Health.outOfService().withDetail("reason", nodeRuntime.readiness().describe()).build();
    }
}
