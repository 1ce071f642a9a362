package io.nodecache.dns.event;

import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One answered query, as consumers see it.
 *
 * @param sequence      position in the event stream (a cursor for "since" queries)
 * @param epochMillis   when the answer was sent
 * @param clientAddress the client's IP
 * @param clientPort    the client's port
 * @param id            the query ID
 * @param qname         the question name as asked (original case, trailing dot)
 * @param qtype         the question type
 * @param qclass        the question class
 * @param transport     UDP or TCP
 * @param requestSize   query size in bytes
 * @param dnssecOk      the DO bit
 * @param udpSize       the client's EDNS UDP size, 512 without EDNS
 * @param rcode         the response code
 * @param responseFlags the response's header flags word
 * @param responseSize  response size in bytes
 * @param durationNanos time from receipt to answer
 * @param outcome       what the cache did
 * @param upstream      the upstream that answered ({@code host:port}), or null
 * @param zone          the server block's zone
 */
public record QueryEvent(
        long sequence,
        long epochMillis,
        InetAddress clientAddress,
        int clientPort,
        int id,
        String qname,
        int qtype,
        int qclass,
        Transport transport,
        int requestSize,
        boolean dnssecOk,
        int udpSize,
        int rcode,
        int responseFlags,
        int responseSize,
        long durationNanos,
        CacheOutcome outcome,
        String upstream,
        String zone) implements QueryFields {

    /** An upstream as the log and the API show it: {@code host:port}, IPv6 hosts in brackets. */
    public static String upstreamText(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
