package io.nodecache.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.nodecache.dns.cache.ResponseCache;
import io.nodecache.dns.cache.StoreType;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * CoreDNS's {@code coredns_cache_*} ({@code plugin/cache/metrics.go}) as function counters and gauges over each
 * {@link ResponseCache}'s own cumulative counters, so the hit path pays nothing for them.
 *
 * <p>One series per (server, zones). When a reload replaces a cache (its configuration changed), the old cache's
 * totals are carried over so the counters never go backwards.
 */
final class CacheMeters {

    /** The cumulative counters a cache keeps, each feeding one series. */
    private enum Stat {
        REQUESTS(ResponseCache::requests),
        SUCCESS_HITS(c -> c.hits(StoreType.SUCCESS)),
        DENIAL_HITS(c -> c.hits(StoreType.DENIAL)),
        MISSES(ResponseCache::misses),
        PREFETCHES(ResponseCache::prefetches),
        SERVED_STALE(ResponseCache::servedStale),
        SUCCESS_EVICTIONS(c -> c.evictions(StoreType.SUCCESS)),
        DENIAL_EVICTIONS(c -> c.evictions(StoreType.DENIAL)),
        DROPS(ResponseCache::drops);

        final ToLongFunction<ResponseCache> read;

        Stat(ToLongFunction<ResponseCache> read) {
            this.read = read;
        }

        static Stat hits(StoreType t) {
            return t == StoreType.SUCCESS ? SUCCESS_HITS : DENIAL_HITS;
        }

        static Stat evictions(StoreType t) {
            return t == StoreType.SUCCESS ? SUCCESS_EVICTIONS : DENIAL_EVICTIONS;
        }
    }

    private final MeterRegistry registry;
    /** Strongly held: Micrometer keeps only weak references to a function meter's state. */
    private final Map<String, Series> series = new HashMap<>();

    CacheMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Installs the caches of a new configuration, keyed by (server, zones). */
    synchronized void caches(Map<Labels, ResponseCache> next) {
        for (Series s : series.values()) {
            if (!next.containsKey(s.labels)) {
                s.replace(null);
            }
        }
        next.forEach((labels, cache) -> series.computeIfAbsent(labels.server() + " " + labels.zones(),
                k -> register(labels)).replace(cache));
    }

    /** CoreDNS's cache labels, less the type and the always-empty view. */
    record Labels(String server, String zones) {}

    private Series register(Labels labels) {
        Series s = new Series(labels);
        Tags tags = Tags.of("server", labels.server(), "zones", labels.zones(), "view", CoreDnsLabels.VIEW);
        for (StoreType t : StoreType.values()) {
            Tags typed = tags.and("type", t.label());
            Gauge.builder("coredns.cache.entries", s, x -> x.entries(t)).tags(typed)
                    .description("The number of elements in the cache.").register(registry);
            counter("coredns.cache.hits", "The count of cache hits.", s, Stat.hits(t), typed);
            counter("coredns.cache.evictions", "The count of cache evictions.", s, Stat.evictions(t), typed);
        }
        counter("coredns.cache.requests", "The count of cache requests.", s, Stat.REQUESTS, tags);
        counter("coredns.cache.misses", "The count of cache misses. Deprecated, derive misses from cache "
                + "hits/requests counters.", s, Stat.MISSES, tags);
        counter("coredns.cache.prefetch", "The number of times the cache has prefetched a cached item.", s,
                Stat.PREFETCHES, tags);
        counter("coredns.cache.served.stale", "The number of requests served from stale cache entries.", s,
                Stat.SERVED_STALE, tags);
        counter("coredns.cache.drops", "The number responses that are not cached, because the reply is malformed.",
                s, Stat.DROPS, tags);
        return s;
    }

    private void counter(String name, String help, Series s, Stat stat, Tags tags) {
        FunctionCounter.builder(name, s, x -> x.total(stat)).description(help).tags(tags).register(registry);
    }

    /** The cache now behind one label set, plus what the caches it replaced had counted. */
    private static final class Series {
        final Labels labels;
        private final long[] retired = new long[Stat.values().length];
        private ResponseCache current;

        Series(Labels labels) {
            this.labels = labels;
        }

        synchronized void replace(ResponseCache next) {
            if (current != null && current != next) {
                for (Stat s : Stat.values()) {
                    retired[s.ordinal()] += s.read.applyAsLong(current);
                }
            }
            current = next;
        }

        synchronized double total(Stat stat) {
            return retired[stat.ordinal()] + (current == null ? 0 : stat.read.applyAsLong(current));
        }

        synchronized double entries(StoreType t) {
            return current == null ? 0 : current.entries(t);
        }
    }
}
