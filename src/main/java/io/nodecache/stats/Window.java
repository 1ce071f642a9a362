package io.nodecache.stats;

import io.nodecache.dns.server.CacheOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Rcode;

/**
 * The node's figures over one window.
 *
 * @param seconds       the window actually covered
 * @param queries       answered queries
 * @param qps           queries per second
 * @param rcodes        answers per rcode name, only those seen
 * @param outcomes      answers per cache outcome (hit, prefetch, miss, stale, none)
 * @param meanLatencyMs mean time to answer
 * @param caches        per server block cache
 */
public record Window(long seconds, long queries, double qps, Map<String, Long> rcodes, Map<String, Long> outcomes,
        double meanLatencyMs, List<CacheWindow> caches) {

    /**
     * One cache over the window. Hit ratios are hits ÷ (hits + misses); NaN-free: 0 when nothing was asked.
     */
    public record CacheWindow(String zone, long successHits, long denialHits, long misses, long stale,
            long prefetches, long evictions, int successEntries, int denialEntries, double hitRatio,
            double successHitRatio, double denialHitRatio) {}

    static Window between(StatsSampler.Sample a, StatsSampler.Sample b) {
        long seconds = Math.max(0, (b.epochMillis() - a.epochMillis()) / 1000);
        long queries = b.totals().queries() - a.totals().queries();
        Map<String, Long> rcodes = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            long n = b.totals().rcodes()[i] - a.totals().rcodes()[i];
            if (n > 0) {
                rcodes.put(Rcode.string(i), n);
            }
        }
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (CacheOutcome o : CacheOutcome.values()) {
            outcomes.put(o.name().toLowerCase(Locale.ROOT),
                    b.totals().outcomes()[o.ordinal()] - a.totals().outcomes()[o.ordinal()]);
        }
        double latency = queries == 0 ? 0
                : (b.totals().durationNanos() - a.totals().durationNanos()) / 1e6 / queries;
        List<CacheWindow> caches = new ArrayList<>();
        b.caches().forEach((zone, now) -> {
            StatsSampler.CacheCounts then = a.caches().getOrDefault(zone,
                    new StatsSampler.CacheCounts(0, 0, 0, 0, 0, 0, 0, 0, 0));
            long sh = now.successHits() - then.successHits();
            long dh = now.denialHits() - then.denialHits();
            long miss = now.misses() - then.misses();
            caches.add(new CacheWindow(zone, sh, dh, miss, now.stale() - then.stale(),
                    now.prefetches() - then.prefetches(),
                    now.successEvictions() - then.successEvictions() + now.denialEvictions()
                            - then.denialEvictions(),
                    now.successEntries(), now.denialEntries(), ratio(sh + dh, sh + dh + miss), ratio(sh, sh + miss),
                    ratio(dh, dh + miss)));
        });
        return new Window(seconds, queries, seconds == 0 ? 0 : (double) queries / seconds, rcodes, outcomes,
                latency, caches);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
