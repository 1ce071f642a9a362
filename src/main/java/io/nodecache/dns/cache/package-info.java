/**
 * The response cache: answers repeated queries from stored upstream responses with CoreDNS {@code cache}
 * semantics (success and denial stores with random eviction, TTLs clamped and counted down, prefetch of popular
 * entries, {@code serve_stale}, SERVFAIL caching) without allocating on a hit.
 *
 * <p>{@link io.nodecache.dns.cache.CacheStage} is the pipeline stage; {@link io.nodecache.dns.cache.ResponseCache}
 * holds the two stores and the counters the metrics layer reads ({@code coredns_cache_*});
 * {@link io.nodecache.dns.cache.CacheListener} is told about every hit, miss, insert and eviction.
 */
package io.nodecache.dns.cache;
