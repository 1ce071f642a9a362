package io.nodecache.corefile;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code cache} directive, with CoreDNS's defaults filled in.
 *
 * @param success     the store for positive answers (default capacity 9984, TTL cap 3600 s, min 5 s)
 * @param denial      the store for NXDOMAIN/NODATA (default capacity 9984, TTL cap 1800 s, min 5 s)
 * @param prefetch    {@code prefetch}, if present
 * @param serveStale  {@code serve_stale}, if present
 * @param servfailTtl how long SERVFAIL is cached ({@code servfail}; default 5 s, 0 disables, at most 5 min)
 * @param keepTtl     {@code keepttl}: serve the stored TTLs without counting them down
 */
public record CacheConfig(
        StoreConfig success,
        StoreConfig denial,
        Optional<PrefetchConfig> prefetch,
        Optional<ServeStaleConfig> serveStale,
        Duration servfailTtl,
        boolean keepTtl) {

    /**
     * One of the two stores.
     *
     * @param capacity entries before random eviction
     * @param maxTtl   TTL cap
     * @param minTtl   TTL floor
     */
    public record StoreConfig(int capacity, Duration maxTtl, Duration minTtl) {}

    /**
     * {@code prefetch AMOUNT [DURATION] [PERCENTAGE%]}.
     *
     * @param amount     hits without a gap of {@code duration} that make an entry popular (default 1)
     * @param duration   the gap (default 1 min)
     * @param percentage prefetch once the remaining TTL drops to this share of the original (default 10)
     */
    public record PrefetchConfig(int amount, Duration duration, int percentage) {}

    /**
     * {@code serve_stale [DURATION] [immediate|verify]}.
     *
     * @param upTo   how long past expiry an entry may still be served (default 1 h)
     * @param verify {@code verify}: ask upstream first and serve stale only if that fails
     */
    public record ServeStaleConfig(Duration upTo, boolean verify) {}
}
