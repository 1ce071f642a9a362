package io.nodecache.dns.event;

import io.nodecache.dns.server.CacheOutcome;
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
}
