package io.nodecache.dns.server;

import java.time.Duration;

/**
 * What one client may hold on a TCP listener (RFC 7766 §6.2.3: a server must be able to defend itself against
 * clients that hold connections open or feed them slowly).
 *
 * @param maxConnections open connections per address; further ones are closed as they are accepted, and counted
 * @param maxInFlight    queries of one connection being answered at once; past it the listener stops reading that
 *                       connection (TCP flow control then holds the client back) until answers have gone out
 * @param maxQueries     queries read from one connection before it is closed once they are answered, as CoreDNS's
 *                       {@code timeouts { maxtcpqueries }}; 0 or less: no limit
 * @param idle           time without a query or answer after which a connection is closed (CoreDNS: 10 s)
 * @param read           time in which a message, length prefix and all, must arrive once its first byte did
 *                       (CoreDNS's read timeout: 3 s); a client dribbling bytes is cut at this bound
 * @param write          time the client may leave its answers unread (the connection's send buffer full) before it
 *                       is closed (CoreDNS: 5 s)
 */
public record TcpLimits(int maxConnections, int maxInFlight, int maxQueries, Duration idle, Duration read,
        Duration write) {

    public TcpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("TCP max-connections must be at least 1: " + maxConnections);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("TCP max-in-flight must be at least 1: " + maxInFlight);
        }
        positive("idle", idle);
        positive("read", read);
        positive("write", write);
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("TCP " + what + " timeout must be positive: " + d);
        }
    }

    /**
     * CoreDNS's timeouts; 1024 connections (each costs at most its unread bytes, no thread); 64 queries in flight,
     * far more than a stub resolver pipelines (glibc sends two), few enough that one connection cannot take most of
     * an upstream's {@code max_concurrent}; 1024 queries a connection, so a long-lived client reconnects now and
     * then and a surge rollout's new instance gets its share.
     */
    public static TcpLimits defaults() {
        return new TcpLimits(1024, 64, 1024, Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    public TcpLimits withIdle(Duration value) {
        return new TcpLimits(maxConnections, maxInFlight, maxQueries, value, read, write);
    }

    public TcpLimits withMaxConnections(int value) {
        return new TcpLimits(value, maxInFlight, maxQueries, idle, read, write);
    }
}
