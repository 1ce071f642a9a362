package io.nodecache.searchpath;

import java.time.Duration;
import java.time.Instant;

/**
 * What the search-list chains of one client, or of one base name, have cost so far. Immutable snapshot.
 *
 * @param key               the client IP ({@link java.net.InetAddress#getHostAddress()}) or the base name
 * @param chains            chains seen
 * @param allFailed         of which every step failed
 * @param wastedQueries     queries wasted over all chains
 * @param wastedTime        time wasted over all chains
 * @param meanWastedQueries wasted queries per lookup
 * @param lastSeen          when the latest chain started
 */
public record ChainStats(
        String key,
        long chains,
        long allFailed,
        long wastedQueries,
        Duration wastedTime,
        double meanWastedQueries,
        Instant lastSeen) {}
