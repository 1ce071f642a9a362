package io.nodecache.node;

import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.upstream.Forwarder;
import io.nodecache.dns.upstream.UpstreamStatus;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.QueryFilter;
import io.nodecache.querylog.QueryLogBuffer;
import io.nodecache.searchpath.ChainDetector;
import io.nodecache.searchpath.ChainStats;
import io.nodecache.searchpath.NumberedChain;
import io.nodecache.searchpath.SearchChain;
import io.nodecache.stats.EventCounters;
import io.nodecache.stats.StatsSampler;
import io.nodecache.stats.UpstreamLatency;
import io.nodecache.stats.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The node's JSON API, version 1: what the console pages and the cluster dashboard read. Documented in
 * {@code docs/node-api.md}; errors are RFC 9457 problem details.
 */
@RestController
@RequestMapping(path = "/api/v1", produces = "application/json")
class NodeApiController {

    private final NodeRuntime runtime;
    private final StatsSampler stats;
    private final EventCounters counters;
    private final UpstreamLatency upstreamLatency;
    private final QueryLogBuffer recent;
    private final LoggingSwitch logging;
    private final ChainDetector chains;
    private final NodeInfo info;

    NodeApiController(NodeRuntime runtime, StatsSampler stats, EventCounters counters,
            UpstreamLatency upstreamLatency, QueryLogBuffer recent, LoggingSwitch logging, ChainDetector chains,
            NodeInfo info) {
        this.runtime = runtime;
        this.stats = stats;
        this.counters = counters;
        this.upstreamLatency = upstreamLatency;
        this.recent = recent;
        this.logging = logging;
        this.chains = chains;
        this.info = info;
    }

    @GetMapping("/node")
    NodeInfo.Summary node() {
        return info.summary();
    }

    /** Figures over {@code window} = 1m, 5m or 1h (any duration up to 1h). */
    @GetMapping("/stats")
    StatsView stats(@RequestParam(defaultValue = "1m") String window) {
        Duration d = parseDuration("window", window);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofSeconds(StatsSampler.HISTORY)) > 0) {
            throw new IllegalArgumentException("window: must be between 1s and 1h, got '" + window + "'");
        }
        Window w = stats.window(d);
        return new StatsView(window, w, upstreams(), counters.topNames(10).stream()
                .map(e -> new Count(e.key(), e.count())).toList(),
                counters.topClients(10).stream().map(e -> new Count(e.key().getHostAddress(), e.count())).toList());
    }

    /** Per-second points, oldest first. */
    @GetMapping("/stats/series")
    List<StatsSampler.Point> series(@RequestParam(defaultValue = "300") int seconds) {
        if (seconds < 1 || seconds > StatsSampler.HISTORY) {
            throw new IllegalArgumentException("seconds: must be between 1 and " + StatsSampler.HISTORY);
        }
        return stats.series(seconds);
    }

    /** Logged queries newer than {@code since} (a sequence from a previous answer's {@code next}), oldest first. */
    @GetMapping("/queries")
    QueryPage queries(@RequestParam(defaultValue = "-1") long since, @RequestParam(defaultValue = "200") int limit,
            @RequestParam(required = false) String client, @RequestParam(required = false) String name,
            @RequestParam(required = false) String qtype, @RequestParam(required = false) String rcode,
            @RequestParam(required = false) String cache) {
        if (limit < 1 || limit > recent.capacity()) {
            throw new IllegalArgumentException("limit: must be between 1 and " + recent.capacity());
        }
        QueryFilter filter = QueryFilter.parse(client, name, qtype, rcode, cache);
        List<QueryView> rows = recent.query(filter, since, limit).stream().map(QueryView::of).toList();
        long next = rows.isEmpty() ? Math.max(since, -1) : rows.get(rows.size() - 1).seq();
        return new QueryPage(next, logging.state().enabled(), rows);
    }

    /**
     * Recent chains, newest first, each with its number ({@code seq}); with {@code after} only those numbered above
     * it, so the dashboard's refresh carries what is new; with {@code since} (an ISO-8601 instant) only those that
     * started after it.
     */
    @GetMapping("/chains")
    List<ChainRow> chains(@RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "-1") long after,
            @RequestParam(required = false) String since) {
        List<NumberedChain> recent = chains.recentChains(after, Math.max(1, Math.min(limit, 1000)));
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("since: expected an ISO-8601 instant like 2026-01-01T00:00:00Z,"
                        + " got '" + since + "'");
            }
        }
        List<ChainRow> out = new ArrayList<>(recent.size());
        for (NumberedChain c : recent) {
            if (from == null || c.chain().start().isAfter(from)) {
                out.add(new ChainRow(c.seq(), c.chain()));
            }
        }
        return out;
    }

    /** A chain as the API writes it: its fields, and its number among the chains the node completed. */
    record ChainRow(long seq, @com.fasterxml.jackson.annotation.JsonUnwrapped SearchChain chain) {}

    @GetMapping("/chains/clients")
    List<ChainStats> chainClients(@RequestParam(defaultValue = "20") int limit) {
        return chains.topOffenders(Math.max(1, Math.min(limit, 1000)));
    }

    @GetMapping("/chains/names")
    List<ChainStats> chainNames(@RequestParam(defaultValue = "20") int limit) {
        return chains.topNames(Math.max(1, Math.min(limit, 1000)));
    }

    @GetMapping("/logging")
    LoggingView logging() {
        return LoggingView.of(logging.state());
    }

    /** Switches logging: {@code {"enabled": true, "duration": "15m", "format": "json"}}; duration "0" = no auto-off. */
    @PutMapping(path = "/logging", consumes = "application/json")
    LoggingView setLogging(@RequestBody LoggingRequest request) {
        if (request.enabled() == null) {
            throw new IllegalArgumentException("enabled: required (true or false)");
        }
        if (!request.enabled()) {
            return LoggingView.of(logging.disable());
        }
        Duration autoOff = request.duration() == null ? LoggingSwitch.DEFAULT_AUTO_OFF
                : parseDuration("duration", request.duration());
        LoggingSwitch.Format format = null;
        if (request.format() != null) {
            try {
                format = LoggingSwitch.Format.valueOf(request.format().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("format: expected coredns or json, got '" + request.format() + "'");
            }
        }
        return LoggingView.of(logging.enable(autoOff, format));
    }

    private List<UpstreamView> upstreams() {
        List<UpstreamView> out = new ArrayList<>();
        for (Forwarder f : runtime.forwarders()) {
            for (UpstreamStatus s : f.upstreams()) {
                Map<String, Double> p = upstreamLatency.percentiles(s.address());
                out.add(new UpstreamView(s.address().getAddress().getHostAddress() + ":" + s.address().getPort(),
                        s.healthy(), s.consecutiveFails(), s.queries(), s.failures(), s.lastRttNanos() / 1e6,
                        p.get("p50"), p.get("p90"), p.get("p99")));
            }
        }
        return out;
    }

    static Duration parseDuration(String what, String text) {
        try {
            return text.equals("0") ? Duration.ZERO : DurationStyle.SIMPLE.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": expected a duration like 30s, 15m or 1h, got '" + text + "'");
        }
    }

    record Count(String key, long count) {}

    record StatsView(String window, Window figures, List<UpstreamView> upstreams, List<Count> topNames,
            List<Count> topClients) {}

    record UpstreamView(String address, boolean healthy, int consecutiveFails, long queries, long failures,
            double lastRttMs, double p50Ms, double p90Ms, double p99Ms) {}

    record QueryPage(long next, boolean logging, List<QueryView> queries) {}

    record LoggingRequest(Boolean enabled, String duration, String format) {}

    record LoggingView(boolean enabled, String mode, Instant until, String format, Instant changed) {
        static LoggingView of(LoggingSwitch.State s) {
            return new LoggingView(s.enabled(), s.mode().name().toLowerCase(java.util.Locale.ROOT), s.until(),
                    s.format().name().toLowerCase(java.util.Locale.ROOT), s.changed());
        }
    }
}
