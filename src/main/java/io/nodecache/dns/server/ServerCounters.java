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
}
