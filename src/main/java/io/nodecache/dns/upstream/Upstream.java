package io.nodecache.dns.upstream;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One {@code forward} destination and its health (CoreDNS {@code proxy.Proxy}). */
final class Upstream {

    final InetSocketAddress address;
    /** Failed health checks in a row (CoreDNS {@code fails}); reset by a successful one. */
    final AtomicInteger fails = new AtomicInteger();
    /** Whether a health-check loop runs for it (CoreDNS {@code up.Probe}: at most one at a time). */
    final AtomicBoolean checking = new AtomicBoolean();
    final AtomicLong queries = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    volatile long lastRttNanos;

    Upstream(InetSocketAddress address) {
        this.address = address;
    }

    /** CoreDNS {@code Down}: more than {@code maxFails} failed checks; never with {@code max_fails 0}. */
    boolean down(int maxFails) {
        return maxFails != 0 && fails.get() > maxFails;
    }

    UpstreamStatus status(int maxFails) {
        return new UpstreamStatus(address, !down(maxFails), fails.get(), queries.get(), failures.get(), lastRttNanos);
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
