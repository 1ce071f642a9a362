package io.nodecache.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo pods. {@code enabled} defaults to true in the embedded default (no {@code nodecache.conf}) and false
 * otherwise, so the Helm chart, which always sets {@code conf}, runs without them; {@link DnsBootstrap} puts that
 * default into the environment.
 *
 * @param enabled  send simulated pod traffic through the node
 * @param pods     how many simulated pods (1 to 254), each from its own 127.0.1.N
 * @param first    the number of this node's first pod (127.0.1.{@code first}): several nodes share one demo
 * @param interval time between rounds (one lookup per pod per round)
 */
@ConfigurationProperties("nodecache.demo")
record DemoProperties(Boolean enabled, Integer pods, Integer first, Duration interval) {

    DemoProperties {
        enabled = enabled != null && enabled;
        pods = pods == null ? 6 : pods;
        first = first == null ? 1 : first;
        interval = interval == null ? Duration.ofSeconds(1) : interval;
    }
}
