package io.nodecache.dashboard.transport;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How the dashboard reaches a node's API ({@code docs/node-api.md}) over HTTP: directly, or through the Kubernetes
 * API server's pod proxy. Every call is asynchronous and bounded in time, so one slow node never holds up the
 * others.
 */
public interface NodeTransport extends AutoCloseable {

    /**
     * Sends one request. {@code pathAndQuery} is relative to the node's web root ({@code api/v1/node},
     * {@code api/v1/stats?window=1m}); {@code jsonBody} is null for GET. The future completes with whatever status
     * the node (or the proxy) answered, and exceptionally when nothing answered within {@code timeout}.
     */
    CompletableFuture<NodeResponse> send(NodeTarget node, String method, String pathAndQuery, String jsonBody,
            Duration timeout);

    /**
     * As {@link #send(NodeTarget, String, String, String, Duration)}, with extra request headers: the node console
     * proxy sends {@code X-Forwarded-Prefix} so the node's pages link under the dashboard's path. A transport that
     * cannot send headers ignores them.
     */
    default CompletableFuture<NodeResponse> send(NodeTarget node, String method, String pathAndQuery, String body,
            Duration timeout, java.util.Map<String, String> headers) {
        return send(node, method, pathAndQuery, body, timeout);
    }

    /**
     * Opens a long-lived response (Server-Sent Events) without reading it whole: the future completes when the
     * headers arrive; the caller reads and closes the stream. {@code connectTimeout} bounds only the wait for
     * headers.
     */
    CompletableFuture<StreamResponse> stream(NodeTarget node, String pathAndQuery, Duration connectTimeout);

    /** A streaming response: its status and body; closing it closes the connection. */
    record StreamResponse(int status, InputStream body) implements AutoCloseable {
        @Override
        public void close() {
            try {
                body.close();
            } catch (java.io.IOException ignored) {
                // The connection is going away either way.
            }
        }
    }

    @Override
    default void close() {}
}
