package io.nodecache.dashboard;

import io.nodecache.dashboard.discovery.DiscoveredNode;
import io.nodecache.dashboard.transport.NodeResponse;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Switches query logging on nodes through their API, once: a toggle is never retried (a retried "on" after a lost
 * answer could outlive an operator's "off"). Every attempt is written to the dashboard's log — when, which node,
 * what, from where, and how it ended — and what the node reported back becomes the card's state at once.
 */
public final class LoggingToggle {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How one toggle ended: the node's reported state, or why not. */
    public record Outcome(String name, boolean ok, JsonNode logging, Integer status, String error) {}

    private final ClusterMonitor monitor;
    private final Duration timeout;
    private final Clock clock;
    private final PrintStream audit;

    public LoggingToggle(ClusterMonitor monitor, Duration timeout, Clock clock, PrintStream audit) {
        this.monitor = monitor;
        this.timeout = timeout;
        this.clock = clock;
        this.audit = audit;
    }

    /** Sends {@code body} (the node's {@code PUT /api/v1/logging} body) to one node. */
    public CompletableFuture<Outcome> toggle(DiscoveredNode node, String body, String caller) {
        CompletableFuture<NodeResponse> sent;
        try {
            sent = monitor.transport().send(node.target(), "PUT", "api/v1/logging", body, timeout)
                    .orTimeout(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((r, ex) -> {
            Outcome o;
            if (ex != null) {
                Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                o = new Outcome(node.name(), false, null, null, cause instanceof java.util.concurrent.TimeoutException
                        || cause instanceof java.net.http.HttpTimeoutException
                        ? "no answer within " + timeout.toMillis() + " ms" : "unreachable: " + cause);
            } else if (!r.ok()) {
                o = new Outcome(node.name(), false, null, r.status(), "node answered " + r.status() + ": "
                        + detail(r.body()));
            } else {
                JsonNode state;
                try {
                    state = JSON.readTree(r.body());
                } catch (RuntimeException e) {
                    state = null;
                }
                if (state == null || !state.isObject()) {
                    o = new Outcome(node.name(), false, null, r.status(), "unreadable answer: "
                            + ClusterMonitor.abbreviate(String.valueOf(r.body())));
                } else {
                    monitor.loggingReported(node.name(), state);
                    o = new Outcome(node.name(), true, state, r.status(), null);
                }
            }
            audit.println("[INFO] nodecache dashboard audit: " + clock.instant() + " logging on node " + node.name()
                    + " (" + node.target().describe() + ") set to " + oneLine(body) + " from " + caller + ": "
                    + (o.ok() ? "node reports " + oneLine(o.logging().toString()) : "FAILED " + o.error()));
            return o;
        });
    }

    /** Sends {@code body} to every listed node that is not gone, in parallel. */
    public List<Outcome> toggleAll(String body, String caller) {
        List<CompletableFuture<Outcome>> calls = new ArrayList<>();
        for (NodeView v : monitor.nodes()) {
            if (!NodeView.GONE.equals(v.state())) {
                monitor.discovered(v.name()).ifPresent(d -> calls.add(toggle(d, body, caller)));
            }
        }
        return calls.stream().map(CompletableFuture::join).toList();
    }

    /** The node's problem detail text when it sent one. */
    private static String detail(String body) {
        try {
            JsonNode p = JSON.readTree(body);
            String d = p.path("detail").asString(null);
            if (d != null) {
                return d;
            }
            String t = p.path("title").asString(null);
            if (t != null) {
                return t;
            }
        } catch (RuntimeException ignored) {
            // Not JSON: the text itself.
        }
        return body == null || body.isBlank() ? "(no body)" : ClusterMonitor.abbreviate(body);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }
}
