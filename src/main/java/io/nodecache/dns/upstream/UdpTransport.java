package io.nodecache.dns.upstream;

import io.nodecache.dns.wire.RecordWalker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends each query from a new connected UDP socket, so every query gets its own kernel-random source port
 * (RFC 5452 section 9.2) and the kernel drops datagrams from any other address. Replies that do not answer the query
 * are dropped and counted, and the exchange keeps waiting until its timeout.
 */
final class UdpTransport {

    private static final int MAX_MESSAGE = 65_535;

    private final EventLoop loop;
    private final ForwardListener listener;
    /** Shared receive buffer; only the loop thread uses it. */
    private final ByteBuffer receive = ByteBuffer.allocate(MAX_MESSAGE);
    /** Checks that replies unpack; only the loop thread uses it. */
    private final RecordWalker walker = new RecordWalker();

    UdpTransport(EventLoop loop, ForwardListener listener) {
        this.loop = loop;
        this.listener = listener;
    }

    /**
     * Sends {@code query} (its ID already set) to {@code upstream} and completes with the first reply that answers it,
     * or exceptionally after {@code timeoutNanos}. Completes on the loop thread.
     *
     * @param timed whether an answer reports its stages ({@link ForwardListener#onUdpStages}): clients' queries yes,
     *              health checks no
     */
    CompletableFuture<byte[]> exchange(InetSocketAddress upstream, byte[] query, int length, long timeoutNanos,
            boolean timed) {
        if (loop.isClosed()) { // its thread may be gone: nothing would ever complete the future
            return CompletableFuture.failedFuture(new IOException("forwarder closed"));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Exchange exchange = new Exchange(upstream, query, length, result, timed, System.nanoTime());
        loop.execute(() -> start(exchange, timeoutNanos));
        return result;
    }

    private void start(Exchange exchange, long timeoutNanos) {
        exchange.startedAt = System.nanoTime();
        try {
            // A socket of the upstream's own family: a dual-stack one costs two more setsockopt calls per miss and
            // maps every IPv4 reply into an IPv6 address.
            DatagramChannel channel = DatagramChannel.open(exchange.upstream.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            exchange.channel = channel;
            channel.configureBlocking(false);
            channel.connect(exchange.upstream);
            channel.register(loop.selector(), SelectionKey.OP_READ, exchange);
            exchange.timer = loop.schedule(timeoutNanos, () -> exchange.fail(new SocketTimeoutException(
                    "no answer from " + exchange.upstream + " over UDP in "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms")));
            int sent = channel.write(ByteBuffer.wrap(exchange.query, 0, exchange.length));
            exchange.sentAt = System.nanoTime();
            if (sent == 0) { // send buffer full: a fresh socket cannot be, but do not wait on it either
                exchange.fail(new IOException("UDP send buffer full for " + exchange.upstream));
            }
        } catch (PortUnreachableException e) {
            exchange.fail(refused(exchange.upstream, e));
        } catch (IOException e) {
            exchange.fail(e);
        }
    }

    private static ConnectException refused(InetSocketAddress upstream, Exception cause) {
        ConnectException e = new ConnectException("connection refused by " + upstream + " (ICMP port unreachable)");
        e.initCause(cause);
        return e;
    }

    private final class Exchange implements EventLoop.Handler {
        final InetSocketAddress upstream;
        final byte[] query;
        final int length;
        final CompletableFuture<byte[]> result;
        final boolean timed;
        /** System.nanoTime() when the forwarder asked, when the loop began the attempt, when the query left. */
        final long askedAt;
        long startedAt;
        long sentAt;
        DatagramChannel channel;
        EventLoop.Timer timer;

        Exchange(InetSocketAddress upstream, byte[] query, int length, CompletableFuture<byte[]> result, boolean timed,
                long askedAt) {
            this.upstream = upstream;
            this.query = query;
            this.length = length;
            this.result = result;
            this.timed = timed;
            this.askedAt = askedAt;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            while (!result.isDone()) {
                receive.clear();
                int n;
                try {
                    n = channel.read(receive);
                } catch (PortUnreachableException e) {
                    fail(refused(upstream, e));
                    return;
                }
                if (n <= 0) {
                    return; // nothing more queued
                }
                byte[] buffer = receive.array();
                if (Wire.answers(query, length, buffer, n) && Wire.wellFormed(walker, buffer, n)) {
                    if (timed) {
                        listener.onUdpStages(startedAt - askedAt, sentAt - startedAt, System.nanoTime() - sentAt);
                    }
                    finish();
                    result.complete(Arrays.copyOf(buffer, n));
                    return;
                }
                // spoofed, late, lying or broken: drop it and keep waiting, so that a forged packet cannot end the
                // attempt either
                listener.onMismatch(upstream);
            }
        }

        @Override
        public void failed(IOException cause) {
            fail(cause);
        }

        void fail(Throwable cause) {
            if (!result.isDone()) {
                finish();
                result.completeExceptionally(cause);
            }
        }

        private void finish() {
            if (timer != null) {
                timer.cancel();
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do: the socket is gone either way
                }
            }
        }
    }
}
