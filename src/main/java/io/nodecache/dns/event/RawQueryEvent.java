package io.nodecache.dns.event;

import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;

/**
 * An event still in its ring slot, read without allocating: what counters and cheap pre-checks need. Valid only
 * during the call it is passed to.
 */
public interface RawQueryEvent {

    long epochMillis();

    InetAddress clientAddress();

    int qtype();

    int rcode();

    CacheOutcome outcome();

    String zone();

    long durationNanos();

    /** Case-insensitive hash of the question name (FNV-1a over lower-cased wire bytes). */
    int qnameHash();

    /** The question name as text (allocates: only for the few events that need it). */
    String qname();

    /** How the query arrived (CoreDNS's {@code proto} label). */
    Transport transport();

    /** The request's size in bytes on the wire. */
    int requestSize();

    /** The response's size in bytes as sent. */
    int responseSize();

    /** Whether the query set the DO bit (CoreDNS's {@code coredns_dns_do_requests_total}). */
    boolean dnssecOk();

    /** Whether an upstream answered it (CoreDNS's {@code plugin="forward"}). */
    boolean forwarded();
}
