package io.nodecache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nodecache.dns.upstream.ForwardListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@link ForwardMeters} as it was with Micrometer's own counters and timers: the oracle the plain-counter version's
 * exposition is compared with, line for line.
 */
final class MicrometerForwardMeters implements ForwardListener {

    private static final int RCODES = 16;
    private static final Duration[] TIME_BUCKETS = timeBuckets();

    private final MeterRegistry registry;
    private final Map<InetSocketAddress, Upstream> upstreams = new ConcurrentHashMap<>();
    private final Counter broken;
    private final Counter maxConcurrentRejects;

    MicrometerForwardMeters(MeterRegistry registry) {
        this.registry = registry;
        this.broken = Counter.builder("coredns.forward.healthcheck.broken")
                .description("Counter of the number of complete failures of the healthchecks.").register(registry);
        this.maxConcurrentRejects = Counter.builder("coredns.forward.max.concurrent.rejects")
                .description("Counter of the number of queries rejected because the concurrent queries were at "
                        + "maximum.").register(registry);
    }

    private static Duration[] timeBuckets() {
        Duration[] out = new Duration[16];
        for (int i = 0; i < out.length; i++) {
            out[i] = Duration.ofNanos(250_000L << i);
        }
        return out;
    }

    @Override
    public void onAnswer(InetSocketAddress upstream, boolean tcp, int rcode, long rttNanos) {
        Upstream u = upstream(upstream);
        u.requests.increment();
        int rc = rcode & 0xF;
        u.responses(rc).increment();
        u.duration(rc).record(rttNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onFailure(InetSocketAddress upstream, Throwable cause) {
        upstream(upstream).requests.increment();
    }

    @Override
    public void onHealthcheckFailure(InetSocketAddress upstream) {
        upstream(upstream).healthcheckFailures.increment();
    }

    @Override
    public void onHealthcheckBroken() {
        broken.increment();
    }

    @Override
    public void onMaxConcurrentRejected() {
        maxConcurrentRejects.increment();
    }

    private Upstream upstream(InetSocketAddress address) {
        Upstream u = upstreams.get(address);
        return u != null ? u : upstreams.computeIfAbsent(address, Upstream::new);
    }

    /** One upstream's meters; the per-rcode ones are made on first sight (any I/O thread may race to it). */
    private final class Upstream {
        final String to;
        final Counter requests;
        final Counter healthcheckFailures;
        final AtomicReferenceArray<Counter> responses = new AtomicReferenceArray<>(RCODES);
        final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(RCODES);

        Upstream(InetSocketAddress address) {
            this.to = CoreDnsLabels.to(address);
            this.requests = Counter.builder("coredns.forward.requests")
                    .description("Counter of requests made per upstream.").tag("to", to).register(registry);
            this.healthcheckFailures = Counter.builder("coredns.forward.healthcheck.failures")
                    .description("Counter of the number of failed healthchecks.").tag("to", to).register(registry);
        }

        Counter responses(int rcode) {
            Counter c = responses.get(rcode);
            if (c == null) {
                // The registry returns the one meter for these tags to every racer.
                c = Counter.builder("coredns.forward.responses")
                        .description("Counter of responses received per upstream.")
                        .tag("to", to).tag("rcode", CoreDnsLabels.rcode(rcode)).register(registry);
                responses.set(rcode, c);
            }
            return c;
        }

        Timer duration(int rcode) {
            Timer t = durations.get(rcode);
            if (t == null) {
                t = Timer.builder("coredns.forward.request.duration")
                        .description("Histogram of the time each request took.")
                        .tag("to", to).tag("rcode", CoreDnsLabels.rcode(rcode))
                        .serviceLevelObjectives(TIME_BUCKETS).register(registry);
                durations.set(rcode, t);
            }
            return t;
        }
    }
}
