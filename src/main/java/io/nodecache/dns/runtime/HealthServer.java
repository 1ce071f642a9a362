package io.nodecache.dns.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * CoreDNS's {@code health} plugin on its own address: {@code GET /health} answers 200 "OK" while the process
 * serves; {@code GET /ready} answers 200 once {@link Readiness} says so and 503 with the reason before.
 *
 * <p>A separate tiny server rather than a Spring endpoint because node-local-dns's probes and iptables rules
 * expect it on the link-local address and port the Corefile names.
 */
final class HealthServer implements AutoCloseable {

    private final HttpServer server;

    HealthServer(InetSocketAddress address, Readiness readiness) throws IOException {
        server = HttpServer.create(address, 16);
        server.createContext("/health", ex -> reply(ex, 200, "OK"));
        server.createContext("/ready", ex -> {
            boolean ready = readiness.ready();
            reply(ex, ready ? 200 : 503, ready ? "OK" : readiness.describe());
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nodecache-health");
            t.setDaemon(true);
            return t;
        }));
    }

    void start() {
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
