package io.nodecache.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.nodecache.dashboard.transport.NodeResponse;
import io.nodecache.dashboard.transport.NodeToken;
import io.nodecache.dashboard.transport.NodeTarget;
import io.nodecache.dashboard.transport.NodeTransport;
import io.nodecache.kubernetes.auth.TokenHeader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reaches a node's API through the Kubernetes API server's pod proxy
 * ({@code /api/v1/namespaces/NS/pods/POD:PORT/proxy/PATH}) on fabric8's own HTTP client, whose interceptors add the
 * caller's credentials (the kubeconfig's or the service account's bearer token). The dashboard then needs only
 * {@code pods/proxy} get and update (PUT) in the node namespace, no route to the pod network.
 *
 * <p>The API server strips the caller's {@code Authorization} before it calls the pod, so a node never sees the
 * dashboard's credentials for the API server; the node token rides in {@value TokenHeader#NAME}, which it passes. fabric8 retries 429 and 5xx answers with backoff per the client's {@code Config}
 * ({@code requestRetryBackoffLimit}); build the dashboard's client with a small limit so a failing node's 503 shows as
 * one, and the per-request timeout here bounds the wait either way.
 */
public final class PodProxyTransport implements NodeTransport {

    private final KubernetesClient client;
    private final NodeToken token;

    public PodProxyTransport(KubernetesClient client) {
        this(client, NodeToken.none());
    }

    public PodProxyTransport(KubernetesClient client, NodeToken token) {
        this.client = client;
        this.token = token;
    }

    @Override
    public CompletableFuture<NodeResponse> send(NodeTarget node, String method, String pathAndQuery, String jsonBody,
            Duration timeout) {
        return send(node, method, pathAndQuery, jsonBody, timeout, java.util.Map.of());
    }

    /** With the node console's headers ({@code X-Forwarded-Prefix}, the browser's Accept), which the proxy passes. */
    @Override
    public CompletableFuture<NodeResponse> send(NodeTarget node, String method, String pathAndQuery, String jsonBody,
            Duration timeout, java.util.Map<String, String> headers) {
        HttpClient http = client.getHttpClient();
        HttpRequest.Builder b = http.newHttpRequestBuilder().uri(proxyUri(node, pathAndQuery))
                .header("Accept", headers.getOrDefault("Accept", "application/json"))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        headers.forEach((k, v) -> {
            if (!k.equals("Accept")) {
                b.header(k, v);
            }
        });
        presentToken(b);
        if (jsonBody != null) {
            b.method(method, "application/json", jsonBody);
        } else if (!"GET".equals(method)) {
            b.method(method, null, null);
        }
        return http.sendAsync(b.build(), String.class)
                .thenApply(r -> new NodeResponse(r.code(), r.body(), r.header("Content-Type")))
                // The builder's timeout covers one attempt; this covers the client's retries too.
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<StreamResponse> stream(NodeTarget node, String pathAndQuery, Duration connectTimeout) {
        HttpClient http = client.getHttpClient();
        // forStreaming: no read timeout on the body, which may be quiet for a keep-alive period or longer.
        HttpRequest.Builder b = http.newHttpRequestBuilder().uri(proxyUri(node, pathAndQuery))
                .header("Accept", "text/event-stream").forStreaming();
        presentToken(b);
        HttpRequest request = b.build();
        CompletableFuture<HttpResponse<InputStream>> sent = http.sendAsync(request, InputStream.class);
        CompletableFuture<StreamResponse> result = sent
                .thenApply(r -> new StreamResponse(r.code(), r.body()))
                .orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        // Headers that come after the caller gave up: nobody will read or close that body, so close it here.
        result.whenComplete((r, t) -> {
            if (t != null) {
                sent.thenAccept(late -> closeQuietly(late.body()));
                sent.cancel(true);
            }
        });
        return result;
    }

    /** Only the proxy-safe header: Authorization is fabric8's, for the API server, which strips it. */
    private void presentToken(HttpRequest.Builder b) {
        String t = token.current();
        if (t != null) {
            b.header(TokenHeader.NAME, t);
        }
    }

    /** The pod-proxy URL of a path on the node: the master URL, the pod's proxy subresource, the path as given. */
    String proxyUri(NodeTarget node, String pathAndQuery) {
        if (node.pod() == null || node.namespace() == null) {
            throw new IllegalArgumentException("node " + node.name() + " has no pod for the pod-proxy transport");
        }
        String master = client.getMasterUrl().toString();
        String path = pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery;
        return (master.endsWith("/") ? master : master + "/") + "api/v1/namespaces/" + node.namespace() + "/pods/"
                + node.pod() + ":" + node.port() + "/proxy/" + path;
    }

    private static void closeQuietly(InputStream in) {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // Closing a stream nobody reads; nothing to tell.
        }
    }
}
