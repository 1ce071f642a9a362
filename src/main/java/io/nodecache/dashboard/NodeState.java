package io.nodecache.dashboard;

import io.nodecache.dashboard.discovery.DiscoveredNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the dashboard holds about one node between refreshes: the last good answers (kept, and marked stale, when a
 * refresh fails) and which of its chains were already collected. Guarded by its own monitor: a refresh writes it,
 * the API reads it.
 */
final class NodeState {

    /** A chain is reported when it ends, which can be seconds after a later one started (a retry, a timeout). */
    static final Duration CHAIN_OVERLAP = Duration.ofSeconds(30);

    private DiscoveredNode discovered;
    private JsonNode summary;
    private JsonNode logging;
    private NodeFigures figures = NodeFigures.NONE;
    private Instant lastSeen;
    private String error;
    private boolean stale;
    private final Map<String, Instant> seenChains = new HashMap<>();
    private Instant newestChainStart;
    private Instant chainsSince;
    private long chainGaps;

    NodeState(DiscoveredNode discovered) {
        this.discovered = discovered;
    }

    synchronized void discovered(DiscoveredNode d) {
        this.discovered = d;
    }

    synchronized DiscoveredNode discovered() {
        return discovered;
    }

    synchronized void answered(JsonNode summary, NodeFigures figures, Instant at) {
        this.summary = summary;
        this.logging = summary.path("logging").isObject() ? summary.path("logging") : logging;
        this.figures = figures;
        this.lastSeen = at;
        this.error = null;
        this.stale = false;
    }

    synchronized void failed(String why) {
        this.error = why;
        this.stale = true;
    }

    /** The state the node reported back after a logging change: newer than the last refresh's. */
    synchronized void logging(JsonNode state) {
        this.logging = state;
    }

    /** When the newest chain collected from this node started, less an overlap for chains that end late. */
    synchronized Instant chainCursor() {
        return newestChainStart == null ? null : newestChainStart.minus(CHAIN_OVERLAP);
    }

    /** Records a chain from the node's list; false when an earlier refresh already collected it. */
    synchronized boolean firstSeen(String key, Instant start) {
        if (seenChains.putIfAbsent(key, start) != null) {
            return false;
        }
        if (newestChainStart == null || start.isAfter(newestChainStart)) {
            newestChainStart = start;
        }
        if (chainsSince == null || start.isBefore(chainsSince)) {
            chainsSince = start;
        }
        return true;
    }

    /**
     * After a chain poll: a list as long as the limit asked for may have been cut short of chains that started
     * after the cursor — a gap. Keys older than the overlap can no longer come back and are forgotten.
     */
    synchronized void chainsPolled(int returned, int limit, boolean hadCursor) {
        if (hadCursor && returned >= limit) {
            chainGaps++;
        }
        if (newestChainStart != null) {
            Instant keep = newestChainStart.minus(CHAIN_OVERLAP.multipliedBy(2));
            seenChains.values().removeIf(start -> start.isBefore(keep));
        }
    }

    synchronized void chainsExpiredBefore(Instant cutoff) {
        if (chainsSince != null && chainsSince.isBefore(cutoff)) {
            chainsSince = cutoff;
        }
    }

    synchronized NodeFigures figuresIfReporting() {
        return stale || lastSeen == null || discovered.gone() ? null : figures;
    }

    synchronized boolean demo() {
        return summary != null && summary.path("demo").asBoolean();
    }

    synchronized NodeView view() {
        DiscoveredNode d = discovered;
        String state;
        if (d.gone()) {
            state = NodeView.GONE;
        } else if (stale || lastSeen == null) {
            state = NodeView.UNREACHABLE;
        } else if (!d.podReady() || !summary.path("ready").asBoolean()) {
            state = NodeView.NOT_READY;
        } else {
            state = NodeView.READY;
        }
        JsonNode s = summary;
        return new NodeView(d.name(), state, stale || lastSeen == null, error, d.target().describe(), d.pod(),
                d.podReady(), consoleOf(d), lastSeen, s == null ? null : s.path("version").asString(null),
                s == null ? null : instant(s.path("startedAt")), s != null && s.path("demo").asBoolean(),
                s == null ? List.of() : strings(s.path("dns")), s == null ? List.of() : strings(s.path("zones")),
                logging, figures.qps(), figures.queries(), figures.hitRatio(), figures.successHitRatio(),
                figures.denialHitRatio(), figures.nxdomainShare(),
                Map.of("success", figures.successEntries(), "denial", figures.denialEntries()),
                Map.of("healthy", figures.upstreamsHealthy(), "total", figures.upstreamsTotal()),
                figures.coversSeconds(), chainsSince, chainGaps);
    }

    /** The node's own console, through the dashboard (which the browser reaches wherever the node runs). */
    private static String consoleOf(DiscoveredNode d) {
        return "/nodes/" + d.name() + "/";
    }

    private static Instant instant(JsonNode n) {
        return n.isString() ? Instant.parse(n.asString()) : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
