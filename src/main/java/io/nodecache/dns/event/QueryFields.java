package io.nodecache.dns.event;

import io.nodecache.dns.server.Transport;
import java.net.InetAddress;

/**
 * What a query-log line is made of, readable both from a ring slot in place and from a built {@link QueryEvent},
 * so one formatter serves the stdout log (which formats straight from the slot) and the API.
 */
public interface QueryFields {

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
