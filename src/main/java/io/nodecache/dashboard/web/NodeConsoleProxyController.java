package io.nodecache.dashboard.web;

import io.nodecache.dashboard.ClusterMonitor;
import io.nodecache.dashboard.LoggingToggle;
import io.nodecache.dashboard.discovery.DiscoveredNode;
import io.nodecache.dashboard.transport.NodeResponse;
import io.nodecache.dashboard.transport.NodeTransport;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Each node's own console, one click from its card, under {@code /nodes/NAME/}: the dashboard passes the console's
 * pages, scripts and API through its transport (direct, or the API server's pod proxy), so a browser that reaches the
 * dashboard reaches every node's console, even in a cluster whose pod network it cannot route to. The node is told
 * the prefix ({@code X-Forwarded-Prefix}) so its links stay under it. Only the console's own paths pass; a logging
 * switch made there goes through the dashboard's toggle and its audit line like one made on the card.
 */
@RestController
class NodeConsoleProxyController implements org.springframework.context.SmartLifecycle {

    private static final String PREFIX = "/nodes/";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();
    private static final Duration STREAM_CONNECT = Duration.ofSeconds(5);

    private final ClusterMonitor monitor;
    private final LoggingToggle toggle;
    private final Duration timeout;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nodecache-dashboard-console-stream");
        t.setDaemon(true);
        return t;
    });

    private final CurrentUser users;

    NodeConsoleProxyController(ClusterMonitor monitor, LoggingToggle toggle,
            io.nodecache.dashboard.DashboardProperties props, CurrentUser users) {
        this.monitor = monitor;
        this.toggle = toggle;
        this.users = users;
        this.timeout = props.timeout().multipliedBy(2);
    }

    private final java.util.Set<NodeTransport.StreamResponse> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /** Closes the passed-through streams before the web server's graceful shutdown would wait for them. */
    @Override
    public void stop() {
        running = false;
        open.forEach(NodeTransport.StreamResponse::close);
        pumps.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @GetMapping("/nodes/{name}")
    ResponseEntity<Void> root(@PathVariable String name) {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(PREFIX + name + "/")).build();
    }

    @GetMapping("/nodes/{name}/**")
    Object get(@PathVariable String name, HttpServletRequest request) {
        DiscoveredNode node = node(name);
        String rest = rest(name, request);
        if (!consolePath(rest)) {
            throw new NotFound("not a path of the node console: /" + rest);
        }
        String pathAndQuery = rest + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        if (rest.equals("api/v1/queries/stream")) {
            return stream(node, pathAndQuery);
        }
        NodeResponse r = forward(node, "GET", pathAndQuery, null, request);
        HttpHeaders h = new HttpHeaders();
        h.setContentType(r.contentType() != null ? MediaType.parseMediaType(r.contentType()) : guess(rest));
        h.setCacheControl("no-store");
        String body = r.body();
        if (rest.equals("api/v1/node") && r.ok()) {
            body = withSwitch(body, request);
        }
        return new ResponseEntity<>(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), h,
                HttpStatus.valueOf(r.status()));
    }

    /** The console's switch: through the dashboard's toggle, so it is audited like the card's. */
    @PutMapping(path = "/nodes/{name}/api/v1/logging", consumes = "application/json")
    ResponseEntity<?> logging(@PathVariable String name, @RequestBody tools.jackson.databind.JsonNode body,
            HttpServletRequest request) {
        LoggingToggle.Outcome o = toggle.toggle(node(name), body.toString(), users.caller(request)
                + " (node console)").join();
        return ApiProblem.toggled(name, o);
    }

    /**
     * The console's summary, which its header polls, says when this dashboard will refuse its switch (a viewer) and
     * why, so the console shows the switch disabled rather than failing on a click. A node's own summary has no such
     * field.
     */
    private String withSwitch(String body, HttpServletRequest request) {
        io.nodecache.dashboard.auth.DashboardUser u = users.of(request);
        if (u == null || u.operator() || body == null) {
            return body;
        }
        try {
            tools.jackson.databind.JsonNode json = JSON.readTree(body);
            if (json instanceof tools.jackson.databind.node.ObjectNode o) {
                o.putObject("switch").put("allowed", false).put("reason", u.switchDenied());
                return JSON.writeValueAsString(o);
            }
        } catch (RuntimeException e) {
            // Not the JSON the node API documents: pass it as it came.
        }
        return body;
    }

    private NodeResponse forward(DiscoveredNode node, String method, String pathAndQuery, String body,
            HttpServletRequest request) {
        try {
            return monitor.transport().send(node.target(), method, pathAndQuery, body, timeout,
                    Map.of("X-Forwarded-Prefix", PREFIX + node.name(), "Accept", accept(request)))
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
        } catch (Exception e) {
            Throwable cause = e instanceof CompletionException || e.getCause() != null ? e.getCause() : e;
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "node '" + node.name() + "' did not answer: " + cause);
        }
    }

    /** Passes the node's event stream through as it comes, on its own thread, until either side goes away. */
    private ResponseBodyEmitter stream(DiscoveredNode node, String pathAndQuery) {
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(0L) {
            @Override
            protected void extendResponse(org.springframework.http.server.ServerHttpResponse response) {
                response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
                response.getHeaders().setCacheControl("no-store");
            }
        };
        pumps.execute(() -> {
            try (NodeTransport.StreamResponse r = monitor.transport().stream(node.target(), pathAndQuery,
                    STREAM_CONNECT).get(STREAM_CONNECT.toMillis() + 500, TimeUnit.MILLISECONDS)) {
                open.add(r);
                InputStream in = r.body();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    emitter.send(Arrays.copyOf(buf, n), MediaType.APPLICATION_OCTET_STREAM);
                }
                open.remove(r);
                emitter.complete();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.complete();
            } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                emitter.completeWithError(e);
            }
        });
        return emitter;
    }

    private DiscoveredNode node(String name) {
        return monitor.discovered(name).filter(d -> !d.gone())
                .orElseThrow(() -> new NotFound("no node named '" + name + "'"));
    }

    private static String rest(String name, HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        String base = PREFIX + name + "/";
        return uri.startsWith(base) ? uri.substring(base.length()) : "";
    }

    /** The console's pages, its static files and its API; nothing else of the node (actuator, metrics). */
    static boolean consolePath(String rest) {
        return rest.isEmpty() || rest.equals("queries") || rest.equals("chains") || rest.startsWith("frontend/")
                || rest.startsWith("webjars/") || rest.startsWith("api/v1/");
    }

    private static String accept(HttpServletRequest request) {
        String a = request.getHeader("Accept");
        return a == null || a.isBlank() ? "*/*" : a;
    }

    private static MediaType guess(String rest) {
        if (rest.endsWith(".js")) {
            return MediaType.parseMediaType("text/javascript");
        }
        if (rest.endsWith(".css")) {
            return MediaType.parseMediaType("text/css");
        }
        if (rest.startsWith("api/")) {
            return MediaType.APPLICATION_JSON;
        }
        return MediaType.TEXT_HTML;
    }
}
