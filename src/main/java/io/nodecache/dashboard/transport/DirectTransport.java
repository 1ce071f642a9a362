package io.nodecache.dashboard.transport;

import io.nodecache.kubernetes.auth.TokenHeader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Straight to the node's web port with the JDK's HTTP client: the static list's URLs, or pod IP and port from
 * inside the cluster. One client (one connection pool) for all nodes; HTTP/1.1, as the nodes' Tomcat speaks it.
 * The node token goes as {@code Authorization: Bearer} and in {@value TokenHeader#NAME} on every request.
 */
public final class DirectTransport implements NodeTransport {

    private final ExecutorService executor;
    private final HttpClient http;
    private final NodeToken token;

    public DirectTransport(Duration connectTimeout) {
        this(connectTimeout, NodeToken.none());
    }

    public DirectTransport(Duration connectTimeout, NodeToken token) {
        this.token = token;
        // Responses are small and parsed off this pool; a few threads serve hundreds of nodes.
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "nodecache-dashboard-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .executor(executor).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletableFuture<NodeResponse> send(NodeTarget node, String method, String pathAndQuery, String jsonBody,
            Duration timeout) {
        return send(node, method, pathAndQuery, jsonBody, timeout, Map.of());
    }

    @Override
    public CompletableFuture<NodeResponse> send(NodeTarget node, String method, String pathAndQuery, String body,
            Duration timeout, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, pathAndQuery)).timeout(timeout);
        if (!headers.containsKey("Accept")) {
            b.header("Accept", "application/json");
        }
        headers.forEach(b::header);
        presentToken(b);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(r -> new NodeResponse(r.statusCode(), r.body(),
                        r.headers().firstValue("Content-Type").orElse(null)));
    }

    @Override
    public CompletableFuture<StreamResponse> stream(NodeTarget node, String pathAndQuery, Duration connectTimeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, pathAndQuery)).header("Accept", "text/event-stream");
        presentToken(b);
        HttpRequest request = b.GET().build();
        CompletableFuture<StreamResponse> f = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(r -> new StreamResponse(r.statusCode(), r.body()));
        return f.orTimeout(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void presentToken(HttpRequest.Builder b) {
        String t = token.current();
        if (t != null) {
            b.header("Authorization", "Bearer " + t).header(TokenHeader.NAME, t);
        }
    }

    static URI uri(NodeTarget node, String pathAndQuery) {
        if (node.baseUri() == null) {
            throw new IllegalArgumentException("node " + node.name() + " has no URL for the direct transport");
        }
        return node.baseUri().resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
