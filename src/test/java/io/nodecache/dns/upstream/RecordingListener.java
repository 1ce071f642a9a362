package io.nodecache.dns.upstream;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Remembers what a {@link Forwarder} reported. */
final class RecordingListener implements ForwardListener {

    record HealthChange(InetSocketAddress upstream, boolean healthy) { }

    final AtomicInteger answers = new AtomicInteger();
    final AtomicInteger mismatches = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger broken = new AtomicInteger();
    final AtomicInteger healthcheckFailures = new AtomicInteger();
    final List<InetSocketAddress> failures = new CopyOnWriteArrayList<>();
    final List<HealthChange> healthChanges = new CopyOnWriteArrayList<>();

    @Override
    public void onAnswer(InetSocketAddress upstream, boolean tcp, int rcode, long rttNanos) {
        answers.incrementAndGet();
    }

    @Override
    public void onFailure(InetSocketAddress upstream, Throwable cause) {
        failures.add(upstream);
    }

    @Override
    public void onMismatch(InetSocketAddress upstream) {
        mismatches.incrementAndGet();
    }

    @Override
    public void onHealthChange(InetSocketAddress upstream, boolean healthy) {
        healthChanges.add(new HealthChange(upstream, healthy));
    }

    @Override
    public void onHealthcheckBroken() {
        broken.incrementAndGet();
    }

    @Override
    public void onHealthcheckFailure(InetSocketAddress upstream) {
        healthcheckFailures.incrementAndGet();
    }

    @Override
    public void onMaxConcurrentRejected() {
        rejected.incrementAndGet();
    }
}
