package io.nodecache.dashboard;

import tools.jackson.databind.JsonNode;

/**
 * A node's headline figures, read from its {@code GET /api/v1/stats?window=1m}: what a card shows and what the
 * cluster totals add up. Hits and misses are kept as counts so totals are sums of counts, not means of ratios.
 */
record NodeFigures(long coversSeconds, long queries, double qps, long nxdomain, long successHits, long denialHits,
        long misses, long successEntries, long denialEntries, int upstreamsHealthy, int upstreamsTotal) {

    static final NodeFigures NONE = new NodeFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    static NodeFigures of(JsonNode stats) {
        JsonNode f = stats.path("figures");
        long sh = 0;
        long dh = 0;
        long miss = 0;
        long se = 0;
        long de = 0;
        for (JsonNode c : f.path("caches")) {
            sh += c.path("successHits").asLong();
            dh += c.path("denialHits").asLong();
            miss += c.path("misses").asLong();
            se += c.path("successEntries").asLong();
            de += c.path("denialEntries").asLong();
        }
        int healthy = 0;
        int total = 0;
        for (JsonNode u : stats.path("upstreams")) {
            total++;
            if (u.path("healthy").asBoolean()) {
                healthy++;
            }
        }
        return new NodeFigures(f.path("seconds").asLong(), f.path("queries").asLong(), f.path("qps").asDouble(),
                f.path("rcodes").path("NXDOMAIN").asLong(), sh, dh, miss, se, de, healthy, total);
    }

    double hitRatio() {
        return ratio(successHits + denialHits, successHits + denialHits + misses);
    }

    double successHitRatio() {
        return ratio(successHits, successHits + misses);
    }

    double denialHitRatio() {
        return ratio(denialHits, denialHits + misses);
    }

    double nxdomainShare() {
        return ratio(nxdomain, queries);
    }

    NodeFigures plus(NodeFigures o) {
        return new NodeFigures(Math.max(coversSeconds, o.coversSeconds), queries + o.queries, qps + o.qps,
                nxdomain + o.nxdomain, successHits + o.successHits, denialHits + o.denialHits, misses + o.misses,
                successEntries + o.successEntries, denialEntries + o.denialEntries,
                upstreamsHealthy + o.upstreamsHealthy, upstreamsTotal + o.upstreamsTotal);
    }

    static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
