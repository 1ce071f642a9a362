package io.nodecache.dns.event;

import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An event still in its ring slot, read without allocating: what counters and cheap pre-checks need. Valid only
 * during the call it is passed to.
 */
public interface RawQueryEvent extends QueryFields {

    /** The event's position in the stream (the API's {@code since} cursor). */
    long sequence();

    long epochMillis();

    /** The client's address, from a cache of address objects (no allocation for a client seen recently). */
    @Override
    InetAddress clientAddress();

    /** Copies the client's address bytes (4 or 16) into {@code dst} and returns how many; 0 when unknown. */
    int clientAddressBytes(byte[] dst);

    CacheOutcome outcome();

    String zone();

    /** Case-insensitive hash of the question name (FNV-1a over lower-cased wire bytes). */
    int qnameHash();

    /** The question name as text (may allocate: only for the few events that need it). */
    @Override
    String qname();

    /** The question name's uncompressed wire bytes, {@code [0, qnameLength())}; only valid during the call. */
    byte[] qnameWire();

    int qnameLength();

    /** How the query arrived (CoreDNS's {@code proto} label). */
    @Override
    Transport transport();

    /** The request's size in bytes on the wire. */
    @Override
    int requestSize();

    /** The response's size in bytes as sent. */
    @Override
    int responseSize();

    /** Whether the query set the DO bit (CoreDNS's {@code coredns_dns_do_requests_total}). */
    @Override
    boolean dnssecOk();

    /** Whether an upstream answered it (CoreDNS's {@code plugin="forward"}). */
    boolean forwarded();

    /** The upstream that answered, or null. */
    InetSocketAddress upstreamAddress();
}
