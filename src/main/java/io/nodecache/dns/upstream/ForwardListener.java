package io.nodecache.dns.upstream;

import java.net.InetSocketAddress;

/**
 * Observes what the {@link Forwarder} does, for metrics and logs; every method does nothing by default.
 *
 * <p>Methods are called on the forwarder's I/O threads and must return quickly without blocking.
 */
public interface ForwardListener {

    /** Does nothing. */
    ForwardListener NONE = new ForwardListener() { };

    /**
     * An upstream answered an attempt (CoreDNS {@code coredns_forward_requests_total},
     * {@code coredns_forward_responses_total}, {@code coredns_forward_request_duration_seconds}).
     */
    default void onAnswer(InetSocketAddress upstream, boolean tcp, int rcode, long rttNanos) { }

    /** An attempt failed: timeout, I/O error or connection refused. */
    default void onFailure(InetSocketAddress upstream, Throwable cause) { }

    /**
     * Where the time of one answered UDP attempt went: {@code handoffNanos} from the forwarder's call (on the thread
     * that took the client's query) until the upstream loop ran it, {@code socketNanos} to open, connect, register and
     * send from the attempt's own socket, {@code upstreamNanos} from the send until the reply was read. Called on the
     * loop thread.
     */
    default void onUdpStages(long handoffNanos, long socketNanos, long upstreamNanos) { }

    /** A packet that did not match an outstanding query (wrong ID or question) was dropped. */
    default void onMismatch(InetSocketAddress upstream) { }

    /**
     * An upstream went down ({@code max_fails} exceeded) or came back up (a health check succeeded);
     * CoreDNS counts failed checks in {@code coredns_forward_healthcheck_failures_total}.
     */
    default void onHealthChange(InetSocketAddress upstream, boolean healthy) { }

    /** Every upstream was down, so one was picked at random (CoreDNS {@code coredns_forward_healthcheck_broken_total}). */
    default void onHealthcheckBroken() { }

    /** A health check of an upstream failed (CoreDNS {@code coredns_forward_healthcheck_failures_total}). */
    default void onHealthcheckFailure(InetSocketAddress upstream) { }

    /** A query was refused because {@code max_concurrent} was reached (CoreDNS {@code coredns_forward_max_concurrent_rejects_total}). */
    default void onMaxConcurrentRejected() { }
}
