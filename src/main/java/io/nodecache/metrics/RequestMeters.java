package io.nodecache.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import io.nodecache.querylog.QueryEventListener;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * CoreDNS's per-query metrics ({@code coredns_dns_*}, {@code plugin/metrics/vars}) counted on the event dispatcher's
 * thread from raw events: each (server, zone) has small arrays of plain {@code long}s indexed by proto, family, type,
 * rcode and plugin, so counting an event is a handful of increments, allocates nothing and never touches a DNS
 * thread.
 *
 * <p>Only the dispatcher writes them ({@link SingleWriter}); scrapes read them through function counters and
 * {@link HistogramFamily} collectors, which expose each series once it has counted something, under the names,
 * labels, help and buckets Micrometer's counters, timers and distribution summaries gave them.
 */
final class RequestMeters implements QueryEventListener {

    /** CoreDNS's {@code plugin.TimeBuckets}: {@code prometheus.ExponentialBuckets(0.00025, 2, 16)}, 0.25 ms to ~8 s. */
    static final Duration[] TIME_BUCKETS = timeBuckets();
    /**
     * CoreDNS's size buckets for {@code coredns_dns_request_size_bytes} and {@code coredns_dns_response_size_bytes},
     * less its {@code le="0"} bucket: Micrometer took only positive boundaries, and no DNS message is 0 bytes.
     */
    static final long[] SIZE_BUCKETS = {100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000};

    private static final int PROTOS = 2;
    private static final int FAMILIES = 2;
    private static final int RCODES = 16;
    private static final String[] PLUGINS = {"cache", "forward", ""};

    private final PrometheusMeterRegistry registry;
    private final HistogramFamily durations = HistogramFamily.seconds("coredns_dns_request_duration_seconds",
            "Histogram of the time (in seconds) each request took per zone.", nanos(TIME_BUCKETS),
            System::currentTimeMillis);
    private final HistogramFamily requestSizes = HistogramFamily.plain("coredns_dns_request_size_bytes",
            "Size of the request in bytes.", SIZE_BUCKETS, System::currentTimeMillis);
    private final HistogramFamily responseSizes = HistogramFamily.plain("coredns_dns_response_size_bytes",
            "Size of the returned response in bytes.", SIZE_BUCKETS, System::currentTimeMillis);
    /** Every (server, zone) ever routed, kept so counts survive a reload that moves a zone and back. */
    private final Map<String, ZoneMeters> known = new HashMap<>();
    private volatile Map<String, ZoneMeters> byZone = Map.of();
    private volatile ZoneMeters dropped;
    /** Dispatcher thread only. */
    private final MaxPeriod period = new MaxPeriod();

    RequestMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        PrometheusRegistry prometheus = registry.getPrometheusRegistry();
        prometheus.register(durations);
        prometheus.register(requestSizes);
        prometheus.register(responseSizes);
    }

    private static Duration[] timeBuckets() {
        Duration[] out = new Duration[16];
        for (int i = 0; i < out.length; i++) {
            out[i] = Duration.ofNanos(250_000L << i);
        }
        return out;
    }

    static long[] nanos(Duration[] buckets) {
        long[] out = new long[buckets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = buckets[i].toNanos();
        }
        return out;
    }

    /**
     * Installs the routing of a new configuration: which server label each zone is counted under, and the server
     * under which queries no block took are counted as zone "dropped".
     */
    synchronized void route(Map<String, String> serverByZone, String dropServer) {
        Map<String, ZoneMeters> next = new HashMap<>();
        serverByZone.forEach((zone, server) -> next.put(zone, zoneMeters(server, zone)));
        byZone = next;
        dropped = zoneMeters(dropServer, CoreDnsLabels.DROPPED);
    }

    private ZoneMeters zoneMeters(String server, String zone) {
        return known.computeIfAbsent(server + " " + zone, k -> new ZoneMeters(server, zone));
    }

    @Override
    public void onRaw(RawQueryEvent e) {
        ZoneMeters z = byZone.get(e.zone());
        if (z == null) {
            z = dropped;
            if (z == null) {
                return;
            }
        }
        z.record(e, period.at(e.epochMillis()));
    }

    /** The counts of one (server, zone); written only by the dispatcher thread. */
    private final class ZoneMeters {
        private final String server;
        private final String zone;
        private final Tags tags;
        private final long[] requests = new long[PROTOS * FAMILIES * CoreDnsLabels.TYPES];
        private final long[] responses = new long[RCODES * PLUGINS.length];
        /** {@code coredns_dns_do_requests_total}, in an array so scrapes read it as the others. */
        private final long[] doRequests = new long[1];
        private final HistogramSeries[] durationSeries = new HistogramSeries[CoreDnsLabels.TYPES];
        private final HistogramSeries[] requestSizeSeries = new HistogramSeries[PROTOS];
        private final HistogramSeries[] responseSizeSeries = new HistogramSeries[PROTOS];

        ZoneMeters(String server, String zone) {
            this.server = server;
            this.zone = zone;
            this.tags = Tags.of("server", server, "zone", zone, "view", CoreDnsLabels.VIEW);
        }

        void record(RawQueryEvent e, long period) {
            int proto = e.transport() == Transport.TCP ? 1 : 0;
            int family = CoreDnsLabels.family(e.clientAddress());
            int type = CoreDnsLabels.typeIndex(e.qtype());
            int r = (proto * FAMILIES + family) * CoreDnsLabels.TYPES + type;
            if (requests[r]++ == 0) {
                counter(requests, r, "coredns.dns.requests", "Counter of DNS requests made per zone, protocol and "
                        + "family.", tags.and("proto", proto(proto), "family", family == 1 ? "2" : "1",
                        "type", CoreDnsLabels.typeName(type)));
            }

            HistogramSeries d = durationSeries[type];
            if (d == null) {
                d = durationSeries[type] = durations.add(e.epochMillis(), "server", server, "type",
                        CoreDnsLabels.typeName(type), "view", CoreDnsLabels.VIEW, "zone", zone);
            }
            d.record(e.durationNanos(), period);

            int plugin = plugin(e);
            int rc = e.rcode() & 0xF;
            int i = rc * PLUGINS.length + plugin;
            if (responses[i]++ == 0) {
                counter(responses, i, "coredns.dns.responses", "Counter of response status codes.",
                        tags.and("rcode", CoreDnsLabels.rcode(rc), "plugin", PLUGINS[plugin]));
            }

            sizes(requestSizeSeries, requestSizes, proto, e.epochMillis()).record(e.requestSize(), period);
            sizes(responseSizeSeries, responseSizes, proto, e.epochMillis()).record(e.responseSize(), period);

            if (e.dnssecOk() && doRequests[0]++ == 0) {
                counter(doRequests, 0, "coredns.dns.do.requests", "Counter of DNS requests with DO bit set per zone.",
                        tags);
            }
        }

        private HistogramSeries sizes(HistogramSeries[] slots, HistogramFamily family, int proto, long now) {
            HistogramSeries s = slots[proto];
            if (s == null) {
                s = slots[proto] = family.add(now, "proto", proto(proto), "server", server, "view",
                        CoreDnsLabels.VIEW, "zone", zone);
            }
            return s;
        }

        /** Exposes {@code counts[i]} from now on; Micrometer keeps {@code counts} only weakly, and we strongly. */
        private void counter(long[] counts, int i, String name, String help, Tags labels) {
            FunctionCounter.builder(name, counts, c -> SingleWriter.read(c, i)).description(help).tags(labels)
                    .register(registry);
        }
    }

    private static String proto(int index) {
        return index == 1 ? "tcp" : "udp";
    }

    /** CoreDNS's {@code plugin} label: the plugin that wrote the answer; empty when the server wrote an error. */
    private static int plugin(RawQueryEvent e) {
        CacheOutcome o = e.outcome();
        if (o == CacheOutcome.HIT || o == CacheOutcome.PREFETCH || o == CacheOutcome.STALE) {
            return 0;
        }
        return e.forwarded() ? 1 : 2;
    }
}
