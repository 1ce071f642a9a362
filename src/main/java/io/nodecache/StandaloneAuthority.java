package io.nodecache;

import io.nodecache.dns.authority.AuthoritativeServer;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.dns.authority.ZoneAnswerer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The embedded authority alone ({@code nodecache.authority.enabled=true}): the demo zones of {@link DemoZones}
 * ({@code cluster.local.}, {@code 10.in-addr.arpa.}, {@code ip6.arpa.}, {@code example.}) served over UDP and TCP on
 * {@code nodecache.authority.listen}, with no node, no dashboard and no Spring context — the upstream a node forwards
 * to when the authority is not inside it (a compose file's {@code upstream} service). Names outside those zones are
 * answered REFUSED, as an authoritative-only server does.
 */
public final class StandaloneAuthority implements AutoCloseable {

    /** Where it listens unless {@code nodecache.authority.listen} says otherwise: port 53 on every address. */
    public static final String DEFAULT_LISTEN = "0.0.0.0:53";

    private final AuthoritativeServer server;
    private final CountDownLatch closed = new CountDownLatch(1);

    private StandaloneAuthority(AuthoritativeServer server) {
        this.server = server;
    }

    /**
     * Starts serving on {@code listen}, {@code HOST:PORT} or {@code [IPV6]:PORT} (port 0: a free one).
     *
     * @throws IllegalArgumentException when {@code listen} is not such an address
     * @throws UncheckedIOException     when the address cannot be bound
     */
    public static StandaloneAuthority start(String listen) {
        InetSocketAddress address = parse(listen);
        try {
            return new StandaloneAuthority(new AuthoritativeServer(address, new ZoneAnswerer(DemoZones.all())).start());
        } catch (IOException e) {
            throw new UncheckedIOException("nodecache.authority.listen=" + listen + ": cannot bind", e);
        }
    }

    /** Blocks until the JVM is stopped (SIGTERM closes the sockets first), for {@link NodecacheApplication#main}. */
    void runUntilStopped() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "authority-stop"));
        System.out.println("[INFO] nodecache authority on " + address() + " (UDP, TCP) for "
                + DemoZones.all().stream().map(z -> z.getOrigin().toString()).collect(Collectors.joining(" "))
                + "; REFUSED for any other name");
        closed.await();
    }

    static InetSocketAddress parse(String listen) {
        String s = listen == null ? "" : listen.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("nodecache.authority.listen=" + listen + ": expected HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("nodecache.authority.listen=" + listen + ": write IPv6 as [ADDR]:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nodecache.authority.listen=" + listen + ": bad port", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("nodecache.authority.listen=" + listen + ": bad port");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("nodecache.authority.listen=" + listen + ": unknown host", e);
        }
    }

    /** The address served, with the port bound. */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
        closed.countDown();
    }
}
