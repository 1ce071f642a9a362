package io.nodecache.dns.server;

import io.nodecache.dns.event.QueryEventSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives UDP queries on one address with several threads, each on its own socket bound with SO_REUSEPORT so
 * the kernel spreads clients across them and every core works.
 */
final class UdpListener implements UdpTransport {

    private static final Logger LOG = Logger.getLogger(UdpListener.class.getName());
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<QueryHandler> router;
    private final QueryEventSink events;
    private final ServerCounters counters;
    private InetSocketAddress bound;

    UdpListener(AtomicReference<QueryHandler> router, QueryEventSink events, ServerCounters counters) {
        this.router = router;
        this.events = events;
        this.counters = counters;
    }

    /** Binds {@code threads} sockets to {@code address} (port 0 picks one port for all of them). */
    @Override
    public InetSocketAddress bind(InetSocketAddress address, int threadCount) throws IOException {
        InetSocketAddress target = address;
        try {
            for (int i = 0; i < threadCount; i++) {
                DatagramChannel ch = DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
                ch.bind(target);
                channels.add(ch);
                target = (InetSocketAddress) ch.getLocalAddress();
            }
        } catch (IOException e) {
            close();
            throw new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
        }
        bound = target;
        return bound;
    }

    @Override
    public void start() {
        int n = 0;
        for (DatagramChannel ch : channels) {
            Thread t = new Thread(() -> receiveLoop(ch), "nodecache-udp-" + bound.getPort() + "-" + n++);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void receiveLoop(DatagramChannel ch) {
        byte[] buf = new byte[Exchange.MAX_MESSAGE];
        // Direct buffers: a heap buffer would make the JDK copy through a thread-local temporary direct buffer
        // on every call, and that lookup showed up as the largest cost of a cache hit in JFR.
        ByteBuffer in = ByteBuffer.allocateDirect(Exchange.MAX_MESSAGE);
        ByteBuffer out = ByteBuffer.allocateDirect(Exchange.MAX_MESSAGE);
        Thread owner = Thread.currentThread();
        Responder responder = (ex, bytes, len) -> send(ch, ex, bytes, len, owner, out);
        Exchange ex = Exchange.reusable(Transport.UDP, responder, events);
        while (ch.isOpen()) {
            InetSocketAddress from;
            try {
                in.clear();
                from = (InetSocketAddress) ch.receive(in);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "UDP receive failed on " + bound, e);
                continue;
            }
            int n = in.position();
            in.flip();
            in.get(buf, 0, n);
            Dispatch.dispatch(ex.reset(buf, n, from, System.nanoTime()), ex, router.get(), counters);
        }
    }

    /** Sends from any thread; the receive thread reuses its direct buffer so a cache hit allocates nothing. */
    private static void send(DatagramChannel ch, Exchange ex, byte[] bytes, int len, Thread owner, ByteBuffer out) {
        ByteBuffer b;
        if (Thread.currentThread() == owner) {
            b = out;
            b.clear();
            b.put(bytes, 0, len).flip();
        } else {
            b = ByteBuffer.wrap(bytes, 0, len);
        }
        try {
            ch.send(b, ex.client());
        } catch (IOException e) {
            LOG.log(Level.FINE, "UDP send to " + ex.client() + " failed", e);
        }
    }

    @Override
    public InetSocketAddress address() {
        return bound;
    }

    @Override
    public void close() {
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
