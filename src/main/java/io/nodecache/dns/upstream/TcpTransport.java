package io.nodecache.dns.upstream;

import io.nodecache.dns.wire.RecordWalker;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends queries over TCP, keeping one connection per upstream open for reuse and pipelining several queries on it,
 * matched to replies by ID in whatever order they come back (RFC 7766 sections 6.2.1 and 7). A connection idle for
 * {@code expire} is closed (CoreDNS {@code expire}); one on which a query timed out takes no new queries and closes once
 * its last query is done; a reused connection the upstream closed is replaced and its queries resent once (CoreDNS
 * {@code ErrCachedClosed}).
 */
final class TcpTransport {

    private static final int MAX_FRAME = 2 + 65_535;

    private final EventLoop loop;
    private final ForwardListener listener;
    private final long expireNanos;
    /** The reusable connection per upstream; only the loop thread touches it. */
    private final Map<InetSocketAddress, Connection> pool = new HashMap<>();
    /** Checks that replies unpack; only the loop thread uses it. */
    private final RecordWalker walker = new RecordWalker();

    TcpTransport(EventLoop loop, ForwardListener listener, long expireNanos) {
        this.loop = loop;
        this.listener = listener;
        this.expireNanos = expireNanos;
    }

    /**
     * Sends {@code query} (its ID already set; it may be changed to one not in flight on the connection) to
     * {@code upstream} and completes with the reply that answers it, or exceptionally after {@code timeoutNanos}.
     * With {@code reuse} false a connection of its own is opened and closed afterwards (health checks).
     * Completes on the loop thread.
     */
    CompletableFuture<byte[]> exchange(InetSocketAddress upstream, byte[] query, int length, long timeoutNanos,
                                       boolean reuse) {
        if (loop.isClosed()) { // its thread may be gone: nothing would ever complete the future
            return CompletableFuture.failedFuture(new IOException("forwarder closed"));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        loop.execute(() -> {
            Exchange exchange = new Exchange(upstream, query, length, reuse, result);
            exchange.timer = loop.schedule(timeoutNanos, () -> exchange.timeout(timeoutNanos));
            send(exchange);
        });
        return result;
    }

    private void send(Exchange exchange) {
        if (loop.isClosed()) {
            exchange.fail(new IOException("forwarder closed"));
            return;
        }
        Connection connection = exchange.reuse ? pool.get(exchange.upstream) : null;
        if (connection == null) {
            try {
                connection = new Connection(exchange.upstream, exchange.reuse);
            } catch (IOException e) {
                exchange.fail(e);
                return;
            }
            if (exchange.reuse) {
                pool.put(exchange.upstream, connection);
            }
        }
        connection.send(exchange);
    }

    private final class Exchange {
        final InetSocketAddress upstream;
        final byte[] query;
        final int length;
        final boolean reuse;
        final CompletableFuture<byte[]> result;
        EventLoop.Timer timer;
        Connection connection;
        /** Sent on a connection that had already answered, i.e. one that may have been closed by the peer meanwhile. */
        boolean onReusedConnection;
        boolean resent;

        Exchange(InetSocketAddress upstream, byte[] query, int length, boolean reuse, CompletableFuture<byte[]> result) {
            this.upstream = upstream;
            this.query = query;
            this.length = length;
            this.reuse = reuse;
            this.result = result;
        }

        void timeout(long timeoutNanos) {
            if (result.isDone()) {
                return;
            }
            if (connection != null) {
                connection.abandon(this);
            }
            result.completeExceptionally(new SocketTimeoutException("no answer from " + upstream + " over TCP in "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        }

        void complete(byte[] reply) {
            timer.cancel();
            result.complete(reply);
        }

        void fail(Throwable cause) {
            if (timer != null) {
                timer.cancel();
            }
            result.completeExceptionally(cause);
        }
    }

    private final class Connection implements EventLoop.Handler {
        final InetSocketAddress upstream;
        final boolean pooled;
        final SocketChannel channel;
        final SelectionKey key;
        final Map<Integer, Exchange> inFlight = new HashMap<>();
        final ArrayDeque<ByteBuffer> writes = new ArrayDeque<>();
        final ByteBuffer read = ByteBuffer.allocate(MAX_FRAME);
        boolean connected;
        /** Takes no new queries; closes when the last one in flight is done. */
        boolean retired;
        boolean closed;
        long answered;
        EventLoop.Timer idleTimer;

        Connection(InetSocketAddress upstream, boolean pooled) throws IOException {
            this.upstream = upstream;
            this.pooled = pooled;
            channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                connected = channel.connect(upstream);
                key = channel.register(loop.selector(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        void send(Exchange exchange) {
            if (idleTimer != null) {
                idleTimer.cancel();
                idleTimer = null;
            }
            exchange.connection = this;
            exchange.onReusedConnection = answered > 0;
            int id = Wire.id(exchange.query);
            while (inFlight.containsKey(id)) { // IDs must be unique among the queries in flight on one connection
                id = QueryIds.next();
                Wire.setId(exchange.query, id);
            }
            inFlight.put(id, exchange);
            ByteBuffer frame = ByteBuffer.allocate(2 + exchange.length);
            frame.putShort((short) exchange.length).put(exchange.query, 0, exchange.length).flip();
            writes.add(frame);
            if (connected) {
                try {
                    flush();
                } catch (IOException e) {
                    failed(e);
                }
            }
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            if (key.isConnectable()) {
                channel.finishConnect();
                connected = true;
                key.interestOps(SelectionKey.OP_READ);
                flush();
            }
            if (key.isValid() && key.isWritable()) {
                flush();
            }
            if (key.isValid() && key.isReadable()) {
                read();
            }
        }

        private void flush() throws IOException {
            ByteBuffer head;
            while ((head = writes.peek()) != null) {
                channel.write(head);
                if (head.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                writes.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        private void read() throws IOException {
            while (!closed) {
                int n = channel.read(read);
                if (n < 0) {
                    failed(new EOFException("connection closed by " + upstream));
                    return;
                }
                if (n == 0) {
                    return;
                }
                read.flip();
                while (read.remaining() >= 2) {
                    int length = read.getShort(read.position()) & 0xffff;
                    if (read.remaining() < 2 + length) {
                        break;
                    }
                    byte[] message = new byte[length];
                    read.position(read.position() + 2);
                    read.get(message);
                    dispatch(message);
                    if (closed) {
                        return;
                    }
                }
                read.compact();
            }
        }

        private void dispatch(byte[] message) {
            Exchange exchange = message.length >= Wire.HEADER ? inFlight.get(Wire.id(message)) : null;
            if (exchange == null || !Wire.answers(exchange.query, exchange.length, message, message.length)
                    || !Wire.wellFormed(walker, message, message.length)) {
                // unknown ID, wrong question or a reply that does not unpack: drop it, the query keeps waiting
                listener.onMismatch(upstream);
                return;
            }
            inFlight.remove(Wire.id(message));
            answered++;
            exchange.complete(message);
            if (inFlight.isEmpty()) {
                idle();
            }
        }

        /** The exchange timed out: forget it, and send no more on a connection that may be wedged. */
        void abandon(Exchange exchange) {
            inFlight.remove(Wire.id(exchange.query), exchange);
            retire();
            if (inFlight.isEmpty()) {
                close();
            }
        }

        private void retire() {
            retired = true;
            if (pool.get(upstream) == this) {
                pool.remove(upstream);
            }
        }

        private void idle() {
            if (!pooled || retired) {
                close();
                return;
            }
            idleTimer = loop.schedule(expireNanos, () -> {
                if (inFlight.isEmpty()) {
                    close();
                }
            });
        }

        @Override
        public void failed(IOException cause) {
            if (closed) {
                return;
            }
            close();
            List<Exchange> pending = new ArrayList<>(inFlight.values());
            inFlight.clear();
            for (Exchange exchange : pending) {
                boolean peerClosed = !(cause instanceof ConnectException);
                if (peerClosed && exchange.onReusedConnection && !exchange.resent && !exchange.result.isDone()) {
                    exchange.resent = true; // the upstream closed an idle connection we reused: try a fresh one
                    send(exchange);
                } else {
                    exchange.fail(cause);
                }
            }
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            retire();
            if (idleTimer != null) {
                idleTimer.cancel();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
    }
}
