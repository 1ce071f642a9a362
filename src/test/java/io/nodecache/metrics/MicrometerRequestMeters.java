package io.nodecache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import io.nodecache.querylog.QueryEventListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link RequestMeters} as it was with Micrometer's own counters, timers and distribution summaries: the oracle the
 * plain-counter version's exposition is compared with, line for line.
 */
final class MicrometerRequestMeters implements QueryEventListener {

    private static final Duration[] TIME_BUCKETS = timeBuckets();
    private static final double[] SIZE_BUCKETS = {100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3,
        64e3};

    private static final int PROTOS = 2;
    private static final int FAMILIES = 2;
    private static final int RCODES = 16;
    private static final String[] PLUGINS = {"cache", "forward", ""};

    private final MeterRegistry registry;
    /** Every (server, zone) ever routed, kept so meters survive a reload that moves a zone and back. */
    private final Map<String, ZoneMeters> known = new HashMap<>();
    private volatile Map<String, ZoneMeters> byZone = Map.of();
    private volatile ZoneMeters dropped;

    MicrometerRequestMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    private static Duration[] timeBuckets() {
        Duration[] out = new Duration[16];
        for (int i = 0; i < out.length; i++) {
            out[i] = Duration.ofNanos(250_000L << i);
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
        z.record(e);
    }

    /** The meters of one (server, zone); written only by the dispatcher thread. */
    private final class ZoneMeters {
        private final Tags tags;
        private final Counter[] requests = new Counter[PROTOS * FAMILIES * CoreDnsLabels.TYPES];
        private final Timer[] durations = new Timer[CoreDnsLabels.TYPES];
        private final Counter[] responses = new Counter[RCODES * PLUGINS.length];
        private final DistributionSummary[] requestSizes = new DistributionSummary[PROTOS];
        private final DistributionSummary[] responseSizes = new DistributionSummary[PROTOS];
        private Counter doRequests;

        ZoneMeters(String server, String zone) {
            this.tags = Tags.of("server", server, "zone", zone, "view", CoreDnsLabels.VIEW);
        }

        void record(RawQueryEvent e) {
            int proto = e.transport() == Transport.TCP ? 1 : 0;
            int family = CoreDnsLabels.family(e.clientAddress());
            int type = CoreDnsLabels.typeIndex(e.qtype());
            int r = (proto * FAMILIES + family) * CoreDnsLabels.TYPES + type;
            Counter c = requests[r];
            if (c == null) {
                c = requests[r] = Counter.builder("coredns.dns.requests")
                        .description("Counter of DNS requests made per zone, protocol and family.")
                        .tags(tags).tag("proto", proto(proto)).tag("family", family == 1 ? "2" : "1")
                        .tag("type", CoreDnsLabels.typeName(type)).register(registry);
            }
            c.increment();

            Timer d = durations[type];
            if (d == null) {
                d = durations[type] = Timer.builder("coredns.dns.request.duration")
                        .description("Histogram of the time (in seconds) each request took per zone.")
                        .tags(tags).tag("type", CoreDnsLabels.typeName(type))
                        .serviceLevelObjectives(TIME_BUCKETS).register(registry);
            }
            d.record(e.durationNanos(), TimeUnit.NANOSECONDS);

            int plugin = plugin(e);
            int rc = e.rcode() & 0xF;
            int i = rc * PLUGINS.length + plugin;
            Counter resp = responses[i];
            if (resp == null) {
                resp = responses[i] = Counter.builder("coredns.dns.responses")
                        .description("Counter of response status codes.")
                        .tags(tags).tag("rcode", CoreDnsLabels.rcode(rc)).tag("plugin", PLUGINS[plugin])
                        .register(registry);
            }
            resp.increment();

            sizes(requestSizes, "coredns.dns.request.size", "Size of the request in bytes.", proto)
                    .record(e.requestSize());
            sizes(responseSizes, "coredns.dns.response.size", "Size of the returned response in bytes.", proto)
                    .record(e.responseSize());

            if (e.dnssecOk()) {
                Counter dnssec = doRequests;
                if (dnssec == null) {
                    dnssec = doRequests = Counter.builder("coredns.dns.do.requests")
                            .description("Counter of DNS requests with DO bit set per zone.")
                            .tags(tags).register(registry);
                }
                dnssec.increment();
            }
        }

        private DistributionSummary sizes(DistributionSummary[] slots, String name, String help, int proto) {
            DistributionSummary s = slots[proto];
            if (s == null) {
                s = slots[proto] = DistributionSummary.builder(name).description(help).baseUnit("bytes")
                        .tags(tags).tag("proto", proto(proto))
                        .serviceLevelObjectives(SIZE_BUCKETS).register(registry);
            }
            return s;
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
