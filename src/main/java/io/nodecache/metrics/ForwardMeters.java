package io.nodecache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.upstream.ForwardListener;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CoreDNS's {@code coredns_forward_*} ({@code plugin/forward/metrics.go} over {@code plugin/pkg/proxy/metrics.go}),
 * counted from the forwarder's callbacks: every attempt is a request; an answered one also counts a response and its
 * round-trip time under the upstream's rcode.
 *
 * <p>An upstream's counts are plain {@code long}s under its own lock: the forwarder calls back from its UDP and TCP
 * loops, so two threads may write, but rarely at once, and an uncontended lock costs far less per cache miss than
 * Micrometer's adders, clock read and max CAS loops. Scrapes read without the lock, as in {@link SingleWriter}.
 * The rare events (health checks, rejections) keep Micrometer's counters.
 *
 * <p>Ours, not CoreDNS's: {@code nodecache_forward_mismatched_total{to}}, the packets dropped because they did not
 * answer a query in flight (wrong ID or question, or not a readable message): late replies, a lying upstream, or
 * spoofing attempts that got past the connected socket's address filter; and
 * {@code nodecache_forward_udp_stage_seconds{stage}}, where an answered UDP attempt's time went ({@code handoff} to
 * the upstream loop, {@code socket} set-up and send, {@code upstream} until the reply), in buckets from 10 µs, so
 * that a cache miss inside an NXDOMAIN refresh burst can be taken apart.
 */
final class ForwardMeters implements ForwardListener {

    private static final int RCODES = 16;
    private static final int REQUESTS = 0;
    private static final int HEALTHCHECK_FAILURES = 1;
    private static final int MISMATCHED = 2;

    private final PrometheusMeterRegistry registry;
    private final HistogramFamily durations = HistogramFamily.seconds("coredns_forward_request_duration_seconds",
            "Histogram of the time each request took.", RequestMeters.nanos(RequestMeters.TIME_BUCKETS),
            System::currentTimeMillis);
    private final HistogramFamily stages = HistogramFamily.seconds("nodecache_forward_udp_stage_seconds",
            "Where the time of answered UDP attempts went: handoff to the upstream loop, socket set-up and send, "
                    + "the upstream's answer.", stageBuckets(), System::currentTimeMillis);
    private final HistogramSeries handoff;
    private final HistogramSeries socket;
    private final HistogramSeries upstreamWait;
    private final MaxPeriod stagePeriod = new MaxPeriod();
    private final Map<InetSocketAddress, Upstream> upstreams = new ConcurrentHashMap<>();
    private final Counter broken;
    private final Counter maxConcurrentRejects;

    ForwardMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        registry.getPrometheusRegistry().register(durations);
        registry.getPrometheusRegistry().register(stages);
        long now = System.currentTimeMillis();
        handoff = stages.add(now, "stage", "handoff");
        socket = stages.add(now, "stage", "socket");
        upstreamWait = stages.add(now, "stage", "upstream");
        this.broken = Counter.builder("coredns.forward.healthcheck.broken")
                .description("Counter of the number of complete failures of the healthchecks.").register(registry);
        this.maxConcurrentRejects = Counter.builder("coredns.forward.max.concurrent.rejects")
                .description("Counter of the number of queries rejected because the concurrent queries were at "
                        + "maximum.").register(registry);
    }

    @Override
    public void onAnswer(InetSocketAddress upstream, boolean tcp, int rcode, long rttNanos) {
        upstream(upstream).answered(rcode & 0xF, rttNanos, System.currentTimeMillis());
    }

    /** Several forwarders' loops may call at once: the series are single-writer, so they take turns. */
    @Override
    public synchronized void onUdpStages(long handoffNanos, long socketNanos, long upstreamNanos) {
        long period = stagePeriod.at(System.currentTimeMillis());
        handoff.record(handoffNanos, period);
        socket.record(socketNanos, period);
        upstreamWait.record(upstreamNanos, period);
    }

    /** 10 µs doubling to ~82 ms: a hand-off takes microseconds, a loopback upstream well under a millisecond. */
    private static long[] stageBuckets() {
        long[] out = new long[14];
        for (int i = 0; i < out.length; i++) {
            out[i] = 10_000L << i;
        }
        return out;
    }

    @Override
    public void onFailure(InetSocketAddress upstream, Throwable cause) {
        upstream(upstream).count(REQUESTS);
    }

    @Override
    public void onMismatch(InetSocketAddress upstream) {
        upstream(upstream).count(MISMATCHED);
    }

    @Override
    public void onHealthcheckFailure(InetSocketAddress upstream) {
        upstream(upstream).count(HEALTHCHECK_FAILURES);
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

    /** One upstream's counts; its per-rcode series are made on first sight, under its lock. */
    private final class Upstream {
        final String to;
        /** [{@link #REQUESTS}], [{@link #HEALTHCHECK_FAILURES}], [{@link #MISMATCHED}]. */
        private final long[] totals = new long[3];
        private final long[] responses = new long[RCODES];
        private final HistogramSeries[] durationSeries = new HistogramSeries[RCODES];
        private final MaxPeriod period = new MaxPeriod();

        Upstream(InetSocketAddress address) {
            this.to = CoreDnsLabels.to(address);
            counter(totals, REQUESTS, "coredns.forward.requests", "Counter of requests made per upstream.", null);
            counter(totals, HEALTHCHECK_FAILURES, "coredns.forward.healthcheck.failures",
                    "Counter of the number of failed healthchecks.", null);
            counter(totals, MISMATCHED, "nodecache.forward.mismatched",
                    "Counter of upstream packets dropped because they answered no query in flight (wrong ID or "
                            + "question, or unreadable).", null);
        }

        synchronized void count(int total) {
            totals[total]++;
        }

        synchronized void answered(int rcode, long rttNanos, long nowMillis) {
            totals[REQUESTS]++;
            if (responses[rcode]++ == 0) {
                counter(responses, rcode, "coredns.forward.responses", "Counter of responses received per upstream.",
                        CoreDnsLabels.rcode(rcode));
            }
            HistogramSeries d = durationSeries[rcode];
            if (d == null) {
                d = durationSeries[rcode] = durations.add(nowMillis, "rcode", CoreDnsLabels.rcode(rcode), "to", to);
            }
            d.record(rttNanos, period.at(nowMillis));
        }

        /** Exposes {@code counts[i]}, with an {@code rcode} label unless null; we hold {@code counts} strongly. */
        private void counter(long[] counts, int i, String name, String help, String rcode) {
            FunctionCounter.Builder<long[]> b = FunctionCounter.builder(name, counts, c -> SingleWriter.read(c, i))
                    .description(help).tag("to", to);
            if (rcode != null) {
                b.tag("rcode", rcode);
            }
            b.register(registry);
        }
    }
}
