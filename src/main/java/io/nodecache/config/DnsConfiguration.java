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
    HealthIndicator dnsHealthIndicator(NodeRuntime nodeRuntime,
            org.springframework.beans.factory.ObjectProvider<io.nodecache.netif.NetworkSetup> network) {
        io.nodecache.netif.NetworkSetup setup = network.getIfAvailable();
        return () -> {
            if (!nodeRuntime.readiness().ready()) {
                return Health.outOfService().withDetail("reason", nodeRuntime.readiness().describe()).build();
            }
            // With host networking, ready means the pods' traffic reaches us: every rule and address in place.
            io.nodecache.netif.NetworkState n = setup == null ? null : setup.state();
            if (n != null && n.rulesPresent() < n.rulesExpected()) {
                return Health.outOfService().withDetail("reason", "networking: " + n.rulesPresent() + " of "
                        + n.rulesExpected() + " rules in place" + (n.lastError() == null ? "" : ": " + n.lastError()))
                        .build();
            }
            return Health.up().build();
        };
    }
}
