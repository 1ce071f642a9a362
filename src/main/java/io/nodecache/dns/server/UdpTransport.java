package io.nodecache.dns.server;

import java.io.IOException;
import java.net.InetSocketAddress;

/** The UDP side of one listening address: several receive threads on SO_REUSEPORT sockets. */
interface UdpTransport extends AutoCloseable {

    /** Binds {@code threads} sockets to {@code address} (port 0 picks one port for all of them). */
    InetSocketAddress bind(InetSocketAddress address, int threads) throws IOException;

    void start();

    InetSocketAddress address();

    @Override
    void close();
}
