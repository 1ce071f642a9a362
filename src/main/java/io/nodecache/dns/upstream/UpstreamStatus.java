package io.nodecache.dns.upstream;

import java.net.InetSocketAddress;

/**
 * A snapshot of one upstream, for the console.
 *
 * @param address          where it listens
 * @param healthy          false once more than {@code max_fails} health checks in a row failed
 * @param consecutiveFails failed health checks since the last success
 * @param queries          attempts sent to it (health checks not included)
 * @param failures         attempts that timed out or failed with an I/O error
 * @param lastRttNanos     round-trip time of its last answer, 0 before the first
 */
public record UpstreamStatus(
        InetSocketAddress address,
        boolean healthy,
        int consecutiveFails,
        long queries,
        long failures,
        long lastRttNanos) {
}
