package io.nodecache.dns.runtime;

import io.nodecache.dns.server.TcpLimits;
import java.time.Duration;

/**
 * Knobs of the running node that the Corefile does not carry.
 *
 * @param udpThreads        receive threads (sockets) per UDP address
 * @param epoll             UDP through Netty's native epoll (batched syscalls) where the platform has it; else a
 *                          blocking NIO receive per thread (the default: {@code nodecache.udp-transport})
 * @param tcp               what one client may hold on a TCP listener: connections, queries, timeouts
 * @param readTimeout       per-attempt upstream read timeout (CoreDNS forward: 2 s)
 * @param deadline          overall time to find an answering upstream (CoreDNS forward: 5 s)
 * @param loopPatience      how long the loop probe keeps trying to get an answer (CoreDNS: 30 s)
 */
public record RuntimeOptions(
        int udpThreads,
        boolean epoll,
        TcpLimits tcp,
        Duration readTimeout,
        Duration deadline,
        Duration loopPatience) {

    /** The TCP defaults but for the idle timeout and the connection cap. */
    public RuntimeOptions(int udpThreads, boolean epoll, Duration tcpIdle, int tcpMaxConnections,
            Duration readTimeout, Duration deadline, Duration loopPatience) {
        this(udpThreads, epoll, TcpLimits.defaults().withIdle(tcpIdle).withMaxConnections(tcpMaxConnections),
                readTimeout, deadline, loopPatience);
    }

    /** The same options with another UDP transport. */
    public RuntimeOptions withEpoll(boolean useEpoll) {
        return new RuntimeOptions(udpThreads, useEpoll, tcp, readTimeout, deadline, loopPatience);
    }

    /** The same options with other TCP limits. */
    public RuntimeOptions withTcp(TcpLimits limits) {
        return new RuntimeOptions(udpThreads, epoll, limits, readTimeout, deadline, loopPatience);
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(usableCpus(), false, TcpLimits.defaults(), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /**
     * One UDP receive thread per CPU this process may run on: the JVM counts the CPUs of its affinity mask and of its
     * cgroup's quota (a pod's CPU limit), not the host's cores. A second socket on one CPU only adds wake-ups and
     * context switches (issue 12: 0.54x unbound's QPS with two sockets on one CPU).
     */
    static int usableCpus() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
