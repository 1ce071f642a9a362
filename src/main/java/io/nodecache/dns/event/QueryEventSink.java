package io.nodecache.dns.event;

import io.nodecache.dns.server.Exchange;

/** Receives the facts of each answered query from the DNS path. */
@FunctionalInterface
public interface QueryEventSink {

    /** Records that {@code exchange} was answered with {@code response[0, length)} after {@code durationNanos}. */
    void publish(Exchange exchange, byte[] response, int length, long durationNanos);
}
