package io.nodecache.dns.server;

import java.util.concurrent.atomic.LongAdder;

/** Counts what the listeners saw before any server block did: bad packets, errors answered, connections. */
public final class ServerCounters {

    final LongAdder malformedDropped = new LongAdder();
    final LongAdder formErr = new LongAdder();
    final LongAdder notImp = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();
    final LongAdder tcpConnections = new LongAdder();
    final LongAdder tcpRejected = new LongAdder();
    final java.util.concurrent.atomic.AtomicInteger tcpOpen = new java.util.concurrent.atomic.AtomicInteger();
    final LongAdder tcpPaused = new LongAdder();
    /** Connections the listener closed, by {@link TcpClose}. */
    final LongAdder[] tcpClosed = new LongAdder[TcpClose.values().length];

    {
        for (int i = 0; i < tcpClosed.length; i++) {
            tcpClosed[i] = new LongAdder();
        }
    }

    /** Packets that could not be parsed at all and were dropped without an answer. */
    public long malformedDropped() {
        return malformedDropped.sum();
    }

    /** Queries answered FORMERR because the header was readable but the query was not. */
    public long formErr() {
        return formErr.sum();
    }

    /** Queries answered NOTIMP (opcodes other than QUERY). */
    public long notImp() {
        return notImp.sum();
    }

    /** Queries answered REFUSED because no server block serves their zone. */
    public long refused() {
        return refused.sum();
    }

    /** Queries whose handling threw; each was answered SERVFAIL. */
    public long handlerErrors() {
        return handlerErrors.sum();
    }

    public long tcpConnections() {
        return tcpConnections.sum();
    }

    /** TCP connections closed at once because too many were open. */
    public long tcpRejected() {
        return tcpRejected.sum();
    }

    /** TCP connections open now, over every address. */
    public int tcpOpen() {
        return tcpOpen.get();
    }

    /** Times a TCP connection had its reading paused: as many queries in flight as allowed, or answers unread. */
    public long tcpPaused() {
        return tcpPaused.sum();
    }

    /** TCP connections the listener closed for {@code reason}. */
    public long tcpClosed(TcpClose reason) {
        return tcpClosed[reason.ordinal()].sum();
    }
}
