package io.nodecache.dns.event;

import io.nodecache.dns.server.Transport;
import java.net.InetAddress;

/**
 * What a query-log line and the search-chain detector are made of, readable both from a ring slot in place and
 * from a built {@link QueryEvent}: the stdout log and the chain detector read slots without building events; the
 * API and tests hand them built ones.
 */
public interface QueryFields {

    /** When the answer was sent. */
    long epochMillis();

    InetAddress clientAddress();

    int clientPort();

    int id();

    int qtype();

    int qclass();

    Transport transport();

    int requestSize();

    boolean dnssecOk();

    int udpSize();

    int rcode();

    int responseFlags();

    int responseSize();

    long durationNanos();

    /** The question name as text (original case, trailing dot). */
    String qname();

    /**
     * Writes the question name as text, as {@link #qname()} reads, into {@code dst} at {@code pos} (which has room
     * for {@link io.nodecache.dns.wire.Names#MAX_TEXT_LENGTH} bytes) and returns the position after it.
     */
    default int writeQname(byte[] dst, int pos) {
        String name = qname();
        for (int i = 0; i < name.length(); i++) {
            dst[pos++] = (byte) name.charAt(i);
        }
        return pos;
    }
}
