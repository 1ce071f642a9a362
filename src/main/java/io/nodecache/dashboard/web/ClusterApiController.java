package io.nodecache.dashboard.web;

import io.nodecache.dashboard.ClusterMonitor;
import io.nodecache.dashboard.ClusterView;
import io.nodecache.dashboard.LoggingToggle;
import io.nodecache.dashboard.NodeView;
import io.nodecache.dashboard.chains.ChainHistory;
import io.nodecache.dashboard.chains.ClusterChain;
import io.nodecache.dashboard.chains.FixSuggestion;
import io.nodecache.dashboard.discovery.DiscoveredNode;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard's JSON API ({@code docs/dashboard-api.md}): nodes, logging toggles, pods and their chains. */
@RestController
@RequestMapping(path = "/api/v1/cluster", produces = "application/json")
class ClusterApiController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MAX_WINDOW = ChainHistory.RETENTION;

    private final ClusterMonitor monitor;
    private final LoggingToggle toggle;
    private final CurrentUser users;

    ClusterApiController(ClusterMonitor monitor, LoggingToggle toggle, CurrentUser users) {
        this.monitor = monitor;
        this.toggle = toggle;
        this.users = users;
    }

    /** Who the dashboard takes the caller for, and whether they may switch logging (never a secret). */
    @GetMapping("/me")
    Map<String, Object> me(HttpServletRequest request) {
        io.nodecache.dashboard.auth.DashboardUser u = users.of(request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", u.name());
        out.put("role", u.role().label());
        out.put("authenticatedBy", u.how());
        out.put("mayToggleLogging", u.operator());
        return out;
    }

    @GetMapping
    ClusterView overview() {
        return monitor.overview();
    }

    @GetMapping("/nodes")
    List<NodeView> nodes() {
        return monitor.nodes();
    }

    @GetMapping("/nodes/{name}")
    NodeView node(@PathVariable String name) {
        return monitor.node(name).orElseThrow(() -> new NotFound("no node named '" + name + "'"));
    }

    /** Sends the body to the node once and answers what the node reported back. */
    @PutMapping(path = "/nodes/{name}/logging", consumes = "application/json")
    ResponseEntity<?> logging(@PathVariable String name, @RequestBody JsonNode body, HttpServletRequest request) {
        DiscoveredNode node = monitor.discovered(name).orElseThrow(() -> new NotFound("no node named '" + name + "'"));
        if (node.gone()) {
            throw new ApiProblem(HttpStatus.CONFLICT, "node '" + name + "' is gone (its pod was deleted)");
        }
        LoggingToggle.Outcome o = toggle.toggle(node, body.toString(), users.caller(request)).join();
        return ApiProblem.toggled(name, o);
    }

    @PutMapping(path = "/logging", consumes = "application/json")
    List<LoggingToggle.Outcome> loggingEverywhere(@RequestBody JsonNode body, HttpServletRequest request) {
        return toggle.toggleAll(body.toString(), users.caller(request));
    }

    @GetMapping("/pods")
    Map<String, Object> pods(@RequestParam(defaultValue = "1h") String window,
            @RequestParam(required = false) String namespace, @RequestParam(defaultValue = "100") int limit) {
        Duration w = window(window);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("covers", monitor.overview().totals().covers());
        out.put("window", window);
        out.put("pods", monitor.chains().pods(w, namespace, clamp(limit)));
        return out;
    }

    @GetMapping("/pods/{namespace}/{pod}/chains")
    Map<String, Object> podChains(@PathVariable String namespace, @PathVariable String pod,
            @RequestParam(defaultValue = "1h") String window) {
        return detail(namespace + "/" + pod, window, "pod " + namespace + "/" + pod);
    }

    @GetMapping("/clients/{ip}/chains")
    Map<String, Object> clientChains(@PathVariable String ip, @RequestParam(defaultValue = "1h") String window) {
        return detail("ip:" + ip, window, "client " + ip);
    }

    private Map<String, Object> detail(String key, String window, String what) {
        ChainHistory.PodDetail d = monitor.chains().pod(key, window(window), 20)
                .orElseThrow(() -> new NotFound("the dashboard holds no search-domain chain of " + what
                        + " from the last hour"));
        List<JsonNode> chains = new ArrayList<>();
        for (ClusterChain c : d.chains()) {
            chains.add(JSON.readTree(c.json()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("covers", monitor.overview().totals().covers());
        out.put("window", window);
        out.put("namespace", d.row().namespace());
        out.put("pod", d.row().pod());
        out.put("hostNetwork", d.row().hostNetwork());
        out.put("ips", d.ips());
        out.put("node", d.row().node());
        out.put("summary", d.row());
        out.put("chains", chains);
        out.put("worstNames", d.worstNames());
        out.put("fix", FixSuggestion.from(d.worstNames()));
        return out;
    }

    @GetMapping("/names")
    Map<String, Object> names(@RequestParam(defaultValue = "1h") String window,
            @RequestParam(required = false) String namespace, @RequestParam(defaultValue = "20") int limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("covers", monitor.overview().totals().covers());
        out.put("window", window);
        out.put("names", monitor.chains().names(window(window), namespace, clamp(limit)));
        return out;
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, 1000));
    }

    static Duration window(String text) {
        Duration d;
        try {
            d = DurationStyle.SIMPLE.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("window: expected a duration like 5m or 1h, got '" + text + "'");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window: must be between 1s and 1h, got '" + text + "'");
        }
        return d;
    }

}
