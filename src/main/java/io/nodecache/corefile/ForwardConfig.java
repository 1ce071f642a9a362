package io.nodecache.corefile;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The {@code forward} directive, with CoreDNS's defaults filled in.
 *
 * @param from          the zone whose queries are forwarded (lower-case, absolute)
 * @param to            1 to 15 upstreams (port 53 unless written)
 * @param except        zones not forwarded (lower-case, absolute)
 * @param forceTcp      {@code force_tcp}
 * @param preferUdp     {@code prefer_udp}
 * @param policy        {@code policy} (default random)
 * @param maxFails      {@code max_fails} (default 2; 0 disables health checking)
 * @param healthCheck   {@code health_check} interval (default 0.5 s)
 * @param expire        {@code expire}: idle time before a cached upstream connection is closed (default 10 s)
 * @param maxConcurrent {@code max_concurrent} (0 = unlimited)
 */
public record ForwardConfig(
        String from,
        List<InetSocketAddress> to,
        List<String> except,
        boolean forceTcp,
        boolean preferUdp,
        Policy policy,
        int maxFails,
        Duration healthCheck,
        Duration expire,
        int maxConcurrent) {

    public ForwardConfig {
        to = List.copyOf(to);
        except = List.copyOf(except);
    }

    /** How the next upstream is chosen. */
    public enum Policy { RANDOM, ROUND_ROBIN, SEQUENTIAL }
}
