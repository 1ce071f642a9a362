package io.nodecache.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.http.ReusePortHttpServer;
import io.nodecache.http.ReusePortHttpServer.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * CoreDNS's {@code prometheus ADDRESS}: {@code GET /metrics} on its own address answers the registry's scrape in
 * Prometheus text format; {@code HEAD} its headers; other methods 405.
 *
 * <p>A tiny server rather than a Spring endpoint because node-local-dns's Service and scrape configs expect the
 * metrics on the address the Corefile names ({@code :9253}), and they must be up as soon as DNS is. It binds with
 * SO_REUSEPORT, as CoreDNS's listeners do, so a surge pod's node starts beside the old one on the same port.
 */
final class MetricsServer implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ReusePortHttpServer server;

    MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        server = new ReusePortHttpServer("nodecache-metrics", address, Map.of("/metrics", method -> {
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                return Response.text(405, "method not allowed\n");
            }
            return new Response(200, CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
        }));
    }

    MetricsServer start() {
        server.start();
        return this;
    }

    InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
