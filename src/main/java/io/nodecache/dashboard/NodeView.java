package io.nodecache.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One node as the dashboard last saw it: the object {@code GET /api/v1/cluster/nodes} returns
 * ({@code docs/dashboard-api.md} names every field).
 */
public record NodeView(
        String name,
        String state,
        boolean stale,
        String error,
        String target,
        String pod,
        boolean podReady,
        String console,
        Instant lastSeen,
        String version,
        Instant startedAt,
        boolean demo,
        List<String> dns,
        List<String> zones,
        JsonNode logging,
        double qps,
        long queries,
        double hitRatio,
        double successHitRatio,
        double denialHitRatio,
        double nxdomainShare,
        Map<String, Long> cacheEntries,
        Map<String, Integer> upstreams,
        long coversSeconds,
        Instant chainsSince,
        long chainsMissed) {

    public static final String READY = "ready";
    public static final String NOT_READY = "not-ready";
    public static final String UNREACHABLE = "unreachable";
    public static final String GONE = "gone";
}
