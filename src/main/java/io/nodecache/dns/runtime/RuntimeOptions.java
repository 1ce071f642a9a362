package io.nodecache.dns.runtime;

import java.time.Duration;

/**
 * Knobs of the running node that the Corefile does not carry.
 *
 * @param udpThreads        receive threads (sockets) per UDP address
 * @param epoll             UDP through Netty's native epoll (batched syscalls) where the platform has it; else NIO
 * @param tcpIdle           idle time before a client TCP connection is closed (RFC 7766 §6.2.3)
 * @param tcpMaxConnections open client TCP connections per address before new ones are refused
 * @param readTimeout       per-attempt upstream read timeout (CoreDNS forward: 2 s)
 * @param deadline          overall time to find an answering upstream (CoreDNS forward: 5 s)
 * @param loopPatience      how long the loop probe keeps trying to get an answer (CoreDNS: 30 s)
 */
public record RuntimeOptions(
        int udpThreads,
        boolean epoll,
        Duration tcpIdle,
        int tcpMaxConnections,
        Duration readTimeout,
        Duration deadline,
        Duration loopPatience) {

    /** The same options with another UDP transport. */
    public RuntimeOptions withEpoll(boolean useEpoll) {
        return new RuntimeOptions(udpThreads, useEpoll, tcpIdle, tcpMaxConnections, readTimeout, deadline, loopPatience);
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Math.max(2, Runtime.getRuntime().availableProcessors()), true, Duration.ofSeconds(10),
                1024, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
}
