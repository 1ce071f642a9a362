package io.nodecache.dns.server;

import io.nodecache.dns.event.QueryEventSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The UDP and TCP listeners of a node, one pair per bound address, each answering through the router of the
 * server blocks bound there.
 *
 * <p>{@link #apply} swaps routers in place and binds new addresses before closing old ones, so a reload drops no
 * query on an address that stays.
 */
public final class DnsServer implements AutoCloseable {

    private final QueryEventSink events;
    private final ServerCounters counters = new ServerCounters();
    private final int udpThreads;
    private final TcpLimits tcpLimits;
    private final Map<InetSocketAddress, Endpoint> endpoints = new LinkedHashMap<>();
    private final boolean epoll;

    /**
     * @param epoll UDP through Netty's native epoll (recvmmsg batches) when the platform has it, else a blocking NIO
     *              receive per thread; TCP uses epoll wherever the platform has it either way
     */
    public DnsServer(QueryEventSink events, int udpThreads, TcpLimits tcpLimits, boolean epoll) {
        this.epoll = epoll && EpollUdpListener.available();
        this.events = events;
        this.udpThreads = udpThreads;
        this.tcpLimits = tcpLimits;
    }

    /**
     * Makes the server listen on exactly the given addresses with the given routers; returns, per requested
     * address, the address actually bound (they differ when the port was 0).
     *
     * @throws IOException if a new address cannot be bound; the server then keeps its previous state
     */
    public synchronized Map<InetSocketAddress, InetSocketAddress> apply(Map<InetSocketAddress, QueryHandler> routes)
            throws IOException {
        Map<InetSocketAddress, Endpoint> fresh = new LinkedHashMap<>();
        try {
            for (Map.Entry<InetSocketAddress, QueryHandler> r : routes.entrySet()) {
                if (!endpoints.containsKey(r.getKey())) {
                    fresh.put(r.getKey(), Endpoint.bind(r.getKey(), r.getValue(), this));
                }
            }
        } catch (IOException e) {
            fresh.values().forEach(Endpoint::close);
            throw e;
        }
        List<InetSocketAddress> gone = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Endpoint> e : endpoints.entrySet()) {
            QueryHandler router = routes.get(e.getKey());
            if (router == null) {
                gone.add(e.getKey());
            } else {
                e.getValue().router.set(router);
            }
        }
        fresh.forEach((requested, endpoint) -> {
            endpoints.put(requested, endpoint);
            endpoint.start();
        });
        for (InetSocketAddress a : gone) {
            endpoints.remove(a).close();
        }
        Map<InetSocketAddress, InetSocketAddress> bound = new LinkedHashMap<>();
        endpoints.forEach((requested, endpoint) -> bound.put(requested, endpoint.udp.address()));
        return bound;
    }

    public ServerCounters counters() {
        return counters;
    }

    /** The addresses listened on, as bound. */
    public synchronized List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        endpoints.values().forEach(e -> out.add(e.udp.address()));
        return out;
    }

    @Override
    public synchronized void close() {
        endpoints.values().forEach(Endpoint::close);
        endpoints.clear();
    }

    private static final class Endpoint {
        final AtomicReference<QueryHandler> router;
        final UdpTransport udp;
        final TcpListener tcp;

        private Endpoint(AtomicReference<QueryHandler> router, UdpTransport udp, TcpListener tcp) {
            this.router = router;
            this.udp = udp;
            this.tcp = tcp;
        }

        /** Binds UDP then TCP on the same port; with port 0 it retries when TCP finds that port taken. */
        static Endpoint bind(InetSocketAddress address, QueryHandler handler, DnsServer s) throws IOException {
            AtomicReference<QueryHandler> router = new AtomicReference<>(handler);
            IOException last = null;
            for (int attempt = 0; attempt < (address.getPort() == 0 ? 10 : 1); attempt++) {
                UdpTransport udp = s.epoll ? new EpollUdpListener(router, s.events, s.counters)
                        : new UdpListener(router, s.events, s.counters);
                InetSocketAddress bound = udp.bind(address, s.udpThreads);
                TcpListener tcp = new TcpListener(router, s.events, s.counters, s.tcpLimits, EpollUdpListener.available());
                try {
                    tcp.bind(bound);
                    return new Endpoint(router, udp, tcp);
                } catch (IOException e) {
                    udp.close();
                    last = e;
                }
            }
            throw last;
        }

        void start() {
            udp.start();
            tcp.start();
        }

        void close() {
            udp.close();
            tcp.close();
        }
    }
}
