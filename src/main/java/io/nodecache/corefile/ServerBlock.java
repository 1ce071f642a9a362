package io.nodecache.corefile;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One server block, e.g. {@code cluster.local:53 { ... }}, with the directives node-local-dns uses.
 *
 * @param zones      the zones the block serves, lower-case, absolute ({@code "cluster.local."}, {@code "."})
 * @param port       the port from the block key ({@code 53} when none is written)
 * @param binds      {@code bind} addresses; empty means every address (CoreDNS's default)
 * @param errors     {@code errors}: log failed queries
 * @param log        {@code log}: write a CoreDNS-format line per query
 * @param loop       {@code loop}: probe for forwarding loops at start
 * @param cache      {@code cache}, if present
 * @param forward    {@code forward}, if present
 * @param reload     {@code reload} poll interval, if present
 * @param health     {@code health} listen address, if present
 * @param lameduck   {@code health { lameduck D }}: how long the node keeps answering, not ready, before it stops
 * @param prometheus {@code prometheus} listen address, if present
 * @param line       the line of the block key, for messages
 */
public record ServerBlock(
        List<String> zones,
        int port,
        List<InetAddress> binds,
        boolean errors,
        boolean log,
        boolean loop,
        Optional<CacheConfig> cache,
        Optional<ForwardConfig> forward,
        Optional<Duration> reload,
        Optional<InetSocketAddress> health,
        Duration lameduck,
        Optional<InetSocketAddress> prometheus,
        int line) {

    public ServerBlock {
        zones = List.copyOf(zones);
        binds = List.copyOf(binds);
    }
}
