package io.nodecache.stats;

import io.nodecache.dns.cache.ResponseCache;
import io.nodecache.dns.cache.StoreType;
import io.nodecache.dns.server.CacheOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.xbill.DNS.Rcode;

/**
 * Samples every cumulative counter once a second into an hour-long ring; a window is the difference between the
 * newest sample and the one a window ago, a series the per-second differences.
 */
public final class StatsSampler implements AutoCloseable {

    /** Seconds of history kept: the longest window, 1 h. */
    public static final int HISTORY = 3600;

    private final EventCounters counters;
    private final Supplier<Map<String, ResponseCache>> caches;
    private final Clock clock;
    private final Sample[] ring = new Sample[HISTORY + 1];
    private long taken;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodecache-stats");
        t.setDaemon(true);
        return t;
    });

    public StatsSampler(EventCounters counters, Supplier<Map<String, ResponseCache>> caches, Clock clock) {
        this.counters = counters;
        this.caches = caches;
        this.clock = clock;
    }

    public void start() {
        sample();
        scheduler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** Takes one sample now (the scheduler does this every second; tests call it directly). */
    public synchronized void sample() {
        Map<String, CacheCounts> perCache = new LinkedHashMap<>();
        caches.get().forEach((zone, c) -> perCache.put(zone, CacheCounts.of(c)));
        ring[(int) (taken++ % ring.length)] = new Sample(clock.millis(), counters.totals(), perCache);
    }

    /** Figures over the last {@code window} (or as much history as there is). */
    public synchronized Window window(Duration window) {
        if (taken == 0) {
            sample();
        }
        Sample last = ring[(int) ((taken - 1) % ring.length)];
        long back = Math.min(window.toSeconds(), Math.min(taken - 1, HISTORY));
        Sample first = ring[(int) ((taken - 1 - back) % ring.length)];
        return Window.between(first, last);
    }

    /** Per-second points for the last {@code seconds}, oldest first. */
    public synchronized List<Point> series(int seconds) {
        List<Point> out = new ArrayList<>();
        long n = Math.min(Math.min(seconds, HISTORY), taken - 1);
        for (long i = taken - 1 - n; i < taken - 1; i++) {
            Sample a = ring[(int) (i % ring.length)];
            Sample b = ring[(int) ((i + 1) % ring.length)];
            long[] oa = a.totals().outcomes();
            long[] ob = b.totals().outcomes();
            long hits = ob[CacheOutcome.HIT.ordinal()] - oa[CacheOutcome.HIT.ordinal()]
                    + ob[CacheOutcome.PREFETCH.ordinal()] - oa[CacheOutcome.PREFETCH.ordinal()];
            out.add(new Point(b.epochMillis(), b.totals().queries() - a.totals().queries(), hits,
                    ob[CacheOutcome.MISS.ordinal()] - oa[CacheOutcome.MISS.ordinal()],
                    ob[CacheOutcome.STALE.ordinal()] - oa[CacheOutcome.STALE.ordinal()],
                    b.totals().rcodes()[Rcode.NXDOMAIN] - a.totals().rcodes()[Rcode.NXDOMAIN],
                    b.totals().rcodes()[Rcode.SERVFAIL] - a.totals().rcodes()[Rcode.SERVFAIL]));
        }
        return out;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** One second of the node's life, as differences. */
    public record Point(long epochMillis, long queries, long hits, long misses, long stale, long nxdomain,
            long servfail) {}

    record Sample(long epochMillis, EventCounters.Totals totals, Map<String, CacheCounts> caches) {}

    /** A cache's cumulative counters at one instant. */
    record CacheCounts(long successHits, long denialHits, long misses, long stale, long prefetches,
            long successEvictions, long denialEvictions, int successEntries, int denialEntries) {

        static CacheCounts of(ResponseCache c) {
            return new CacheCounts(c.hits(StoreType.SUCCESS), c.hits(StoreType.DENIAL), c.misses(),
                    c.servedStale(), c.prefetches(), c.evictions(StoreType.SUCCESS), c.evictions(StoreType.DENIAL),
                    c.entries(StoreType.SUCCESS), c.entries(StoreType.DENIAL));
        }
    }
}
