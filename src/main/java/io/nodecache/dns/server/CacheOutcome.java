package io.nodecache.dns.server;

/** What the cache did for one answered query. */
public enum CacheOutcome {
    /** No cache in the server block, or the query never reached it (errors, loop probes). */
    NONE,
    /** Answered from a fresh cache entry. */
    HIT,
    /** Answered from a fresh entry that also started a background prefetch. */
    PREFETCH,
    /** Not in the cache: answered by an upstream. */
    MISS,
    /** Answered from an expired entry under {@code serve_stale}. */
    STALE
}
