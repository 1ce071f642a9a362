package io.nodecache.dns.server;

import java.util.concurrent.atomic.LongAdder;

/** Counts what the listeners saw before any server block did: bad packets, errors answered, connections. */
public final class ServerCounters {

    /** By {@link Transport#ordinal()}: a bad packet is counted on the transport it came over. */
    private final LongAdder[] malformedDropped = {new LongAdder(), new LongAdder()};
    private final LongAdder[] formErr = {new LongAdder(), new LongAdder()};
    /** TCP frames cut short: the stream ended (or idled out) inside a length prefix or before its last byte. */
    final LongAdder tcpTruncated = new LongAdder();
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

    void countDropped(Transport t) {
        malformedDropped[t.ordinal()].increment();
    }

    void countFormErr(Transport t) {
        formErr[t.ordinal()].increment();
    }

    /**
     * Packets that could not be parsed at all and were dropped without an answer (on TCP the connection is then
     * closed, as framing is lost), on either transport.
     */
    public long malformedDropped() {
        return malformedDropped(Transport.UDP) + malformedDropped(Transport.TCP);
    }

    public long malformedDropped(Transport t) {
        return malformedDropped[t.ordinal()].sum();
    }

    /** Queries answered FORMERR because the header was readable but the query was not, on either transport. */
    public long formErr() {
        return formErr(Transport.UDP) + formErr(Transport.TCP);
    }

    public long formErr(Transport t) {
        return formErr[t.ordinal()].sum();
    }

    /**
     * TCP frames that never arrived whole: the client closed the connection (or it idled out) after the first
     * byte of a length prefix or before the message it announced was complete. Never answered; the connection
     * closes.
     */
    public long tcpTruncated() {
        return tcpTruncated.sum();
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
