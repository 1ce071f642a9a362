package io.nodecache.dashboard;

import io.nodecache.dashboard.discovery.DiscoveredNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the dashboard holds about one node between refreshes: the last good answers (kept, and marked stale, when a
 * refresh fails) and which of its chains were already collected. Guarded by its own monitor: a refresh writes it,
 * the API reads it.
 */
final class NodeState {


    private DiscoveredNode discovered;
    private JsonNode summary;
    private JsonNode logging;
    private NodeFigures figures = NodeFigures.NONE;
    private Instant lastSeen;
    private String error;
    private boolean stale;
    private long chainCursor = -1;
    private String startedAt = "";
    private Instant chainsSince;
    private long chainsMissed;

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

    /** The highest chain number collected from this node, or -1 before the first (or after it restarted). */
    synchronized long chainCursor() {
        return chainCursor;
    }

    /** The node's start time from its summary: a different one means a new process, whose chains count from 0. */
    synchronized void nodeStarted(String startedAt) {
        if (!startedAt.equals(this.startedAt)) {
            this.startedAt = startedAt;
            chainCursor = -1;
        }
    }

    synchronized void chainStarted(Instant start) {
        if (chainsSince == null || start.isBefore(chainsSince)) {
            chainsSince = start;
        }
    }

    /**
     * After a chain poll that asked for chains above {@code after} and got numbers {@code oldest}..{@code newest}
     * (-1 when none): the numbers between {@code after} and the oldest returned were chains the node no longer
     * kept — missed, and counted.
     */
    synchronized void chainsPolled(long after, long oldest, long newest) {
        if (newest < 0) {
            return;
        }
        if (after >= 0 && oldest > after + 1) {
            chainsMissed += oldest - after - 1;
        }
        chainCursor = Math.max(chainCursor, newest);
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
                figures.coversSeconds(), chainsSince, chainsMissed);
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
