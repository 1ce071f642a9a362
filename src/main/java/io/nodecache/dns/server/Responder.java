package io.nodecache.dns.server;

/** Sends finished answer bytes back to the client of an exchange over its transport. */
@FunctionalInterface
public interface Responder {

    /** A responder for background refreshes (prefetch, stale refresh) that have no client. */
    Responder NONE = (exchange, buf, length) -> { };

    /** Sends {@code buf[0, length)}; may be called from any thread. */
    void send(Exchange exchange, byte[] buf, int length);
}
