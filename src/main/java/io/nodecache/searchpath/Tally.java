package io.nodecache.searchpath;

import java.time.Duration;
import java.time.Instant;

/** What the chains of one client, or of one base name, have cost so far; mutable, under the aggregates' lock. */
final class Tally {

    /** The client's IP or the base name as first spelled: what {@link ChainStats#key} shows. */
    final String key;
    /** The base name lower-cased (the per-name map's key), or null for a client. */
    final String lowerKey;
    /** Set when the LRU map drops this tally, so a cache still pointing at it knows to look again. */
    boolean evicted;
    private long chains;
    private long allFailed;
    private long wastedQueries;
    private long wastedNanos;
    private long lastSeenMillis;

    Tally(String key, String lowerKey) {
        this.key = key;
        this.lowerKey = lowerKey;
    }

    void add(ChainRecord chain, long startMillis) {
        chains++;
        if (!chain.answered()) {
            allFailed++;
        }
        wastedQueries += chain.wastedQueries;
        wastedNanos += chain.wastedNanos;
        lastSeenMillis = Math.max(lastSeenMillis, startMillis);
    }

    ChainStats stats() {
        return new ChainStats(key, chains, allFailed, wastedQueries, Duration.ofNanos(wastedNanos),
                chains == 0 ? 0 : (double) wastedQueries / chains, Instant.ofEpochMilli(lastSeenMillis));
    }
}
