package io.nodecache.dns.cache;

/**
 * Told about what the cache does, for the metrics layer; every method defaults to doing nothing.
 *
 * <p>Called on the query path (the hit path included), so implementations must be cheap, thread-safe and must not
 * allocate. The CoreDNS metric each one feeds is named on the method.
 */
public interface CacheListener {

    /** A listener that ignores everything. */
    CacheListener NONE = new CacheListener() { };

    /** An entry was found, fresh or stale ({@code coredns_cache_hits_total{type}}). */
    default void hit(StoreType store) { }

    /** Nothing usable was found ({@code coredns_cache_misses_total}). */
    default void miss() { }

    /** An expired entry was answered under {@code serve_stale} ({@code coredns_cache_served_stale_total}). */
    default void staleServed() { }

    /** A background refresh was started ({@code coredns_cache_prefetch_total}). */
    default void prefetch() { }

    /** An entry was evicted to make room ({@code coredns_cache_evictions_total{type}}). */
    default void eviction(StoreType store) { }

    /** A cacheable response answered another question and was not stored ({@code coredns_cache_drops_total}). */
    default void drop() { }

    /** A response was stored ({@code coredns_cache_entries{type}} changes). */
    default void insert(StoreType store) { }
}
