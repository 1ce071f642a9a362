package io.nodecache.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * CoreDNS's {@code prometheus ADDRESS}: {@code GET /metrics} on its own address answers the registry's scrape in
 * Prometheus text format.
 *
 * <p>A tiny JDK server rather than a Spring endpoint because node-local-dns's Service and scrape configs expect the
 * metrics on the address the Corefile names ({@code :9253}), and they must be up as soon as DNS is.
 */
final class MetricsServer implements AutoCloseable {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        server = HttpServer.create(address, 16);
        server.createContext("/metrics", ex -> {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                reply(ex, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            reply(ex, 200, CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nodecache-metrics");
            t.setDaemon(true);
            return t;
        }));
    }

    MetricsServer start() {
        server.start();
        return this;
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
