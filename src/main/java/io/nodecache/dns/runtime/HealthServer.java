package io.nodecache.dns.runtime;

import io.nodecache.http.ReusePortHttpServer;
import io.nodecache.http.ReusePortHttpServer.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * CoreDNS's {@code health} plugin on its own address: {@code /health} answers 200 "OK" while the process
 * serves; {@code /ready} answers 200 once {@link Readiness} says so and 503 with the reason before. Any method is
 * answered alike ({@code HEAD} without the body).
 *
 * <p>A separate tiny server rather than a Spring endpoint because node-local-dns's probes and iptables rules
 * expect it on the link-local address and port the Corefile names. It binds with SO_REUSEPORT, as CoreDNS's
 * listeners do, so a surge pod's node starts beside the old one on the same address.
 */
final class HealthServer implements AutoCloseable {

    private final ReusePortHttpServer server;

    HealthServer(InetSocketAddress address, Readiness readiness) throws IOException {
        server = new ReusePortHttpServer("nodecache-health", address, Map.of(
                "/health", method -> Response.text(200, "OK"),
                "/ready", method -> {
                    boolean ready = readiness.ready();
                    return Response.text(ready ? 200 : 503, ready ? "OK" : readiness.describe());
                }));
    }

    void start() {
        server.start();
    }

    InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
