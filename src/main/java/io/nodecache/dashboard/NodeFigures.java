package io.nodecache.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A node's headline figures, read from its {@code GET /api/v1/stats?window=1m}: what a card shows and what the
 * cluster totals add up. Hits and misses are kept as counts so totals are sums of counts, not means of ratios.
 * {@code topClients} is the node's busiest clients by queries (since it started), client IP to count.
 */
record NodeFigures(long coversSeconds, long queries, double qps, long nxdomain, long successHits, long denialHits,
        long misses, long successEntries, long denialEntries, int upstreamsHealthy, int upstreamsTotal,
        Map<String, Long> topClients) {

    static final NodeFigures NONE = new NodeFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

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
        Map<String, Long> clients = new LinkedHashMap<>();
        for (JsonNode c : stats.path("topClients")) {
            clients.merge(c.path("key").asString(), c.path("count").asLong(), Long::sum);
        }
        return new NodeFigures(f.path("seconds").asLong(), f.path("queries").asLong(), f.path("qps").asDouble(),
                f.path("rcodes").path("NXDOMAIN").asLong(), sh, dh, miss, se, de, healthy, total, clients);
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
                upstreamsHealthy + o.upstreamsHealthy, upstreamsTotal + o.upstreamsTotal, Map.of());
    }

    static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
