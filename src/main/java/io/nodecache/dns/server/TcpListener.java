package io.nodecache.dns.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.ScheduledFuture;
import io.nodecache.dns.event.QueryEventSink;
import io.nodecache.http.QuietEventLoopGroup;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves DNS over TCP on one address per RFC 7766: two-byte length prefix, several queries per connection,
 * answers written as they complete (possibly out of order), within the {@link TcpLimits}.
 *
 * <p>Non-blocking (Netty, epoll where the platform has it): a few event-loop threads serve every connection, so a
 * client that holds a connection, dribbles bytes or never reads its answers costs a buffer, never a thread, and an
 * upstream answer is never written by a thread that could block on a full socket. A connection's unread bytes are
 * kept only as they arrive: a length prefix of 65535 with nothing behind it costs two bytes.
 */
final class TcpListener implements AutoCloseable {

    /** Event-loop threads per address: TCP is a small share of DNS traffic (truncated answers, some resolvers). */
    private static final int THREADS = 2;
    /** Answers queued unsent past this make the connection unwritable: reading pauses (the write timeout runs). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final AtomicReference<QueryHandler> router;
    private final QueryEventSink events;
    private final ServerCounters counters;
    private final TcpLimits limits;
    private final boolean epoll;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private EventLoopGroup group;
    private Channel server;

    TcpListener(AtomicReference<QueryHandler> router, QueryEventSink events, ServerCounters counters,
            TcpLimits limits, boolean epoll) {
        this.router = router;
        this.events = events;
        this.counters = counters;
        this.limits = limits;
        this.epoll = epoll;
    }

    InetSocketAddress bind(InetSocketAddress address) throws IOException {
        SocketProtocolFamily family = address.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        group = new QuietEventLoopGroup(THREADS, r -> {
            Thread t = new FastThreadLocalThread(r, "nodecache-tcp-" + address.getPort());
            t.setDaemon(true);
            return t;
        }, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channelFactory(() -> epoll ? new EpollServerSocketChannel(family)
                        : (ServerChannel) new NioServerSocketChannel(SelectorProvider.provider(), family))
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        // As the UDP sockets: a second instance on the node (a surge rollout) binds beside this one.
        if (epoll) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        } else {
            b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
        try {
            server = b.bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted binding TCP " + address, e);
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot bind TCP " + address + ": " + e.getMessage(), e);
        }
        return (InetSocketAddress) server.localAddress();
    }

    void start() {
        // Netty accepts as soon as the channel is bound.
    }

    /** Admits a connection under the cap, or closes it at once and counts it. */
    private void accept(SocketChannel ch) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            counters.tcpRejected.increment();
            ch.close();
            return;
        }
        counters.tcpConnections.increment();
        counters.tcpOpen.incrementAndGet();
        connections.add(ch);
        ch.closeFuture().addListener(f -> {
            connections.remove(ch);
            open.decrementAndGet();
            counters.tcpOpen.decrementAndGet();
        });
        ch.pipeline().addLast(new Connection());
    }

    /**
     * One client connection. Framing, pausing and the deadlines run on the connection's event loop; answers may be
     * sent from any thread (an upstream's), which only queue the write and, when reading waits on them, wake it.
     */
    private final class Connection extends ChannelInboundHandlerAdapter implements Responder {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Runnable resume = this::resume;
        private final Runnable finish = this::finish;
        private ChannelHandlerContext ctx;
        private Channel channel;
        private InetSocketAddress client;
        /** Bytes received and not yet taken as messages; null while there are none. */
        private ByteBuf in;
        private int queries;
        private boolean draining;
        private boolean closing;
        private boolean finished;
        /** Set once the connection is to close when its last answer is out. */
        private volatile boolean closeWhenAnswered;
        /** Set by the event loop when it stopped reading for in-flight queries; answers then wake it. */
        private volatile boolean waitingForAnswers;
        private volatile long lastActivity;
        /** When the first byte of the message still incomplete arrived; 0 when none is. */
        private long messageStart;
        private long unwritableSince;
        private ScheduledFuture<?> timer;
        private long timerAt;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            this.channel = ctx.channel();
            this.client = (InetSocketAddress) channel.remoteAddress();
            lastActivity = System.nanoTime();
            arm(lastActivity + limits.idle().toNanos());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            try {
                if (closing) {
                    return;
                }
                if (in == null) {
                    in = ctx.alloc().buffer(Math.max(data.readableBytes(), 512));
                }
                in.writeBytes(data);
            } finally {
                data.release();
            }
            drain();
        }

        /** Takes every complete message off {@link #in} that the limits let through now, and dispatches it. */
        private void drain() {
            if (draining) {
                // An answer sent from within dispatch (a cache hit) calls back here: the outer loop goes on.
                return;
            }
            draining = true;
            try {
                do {
                    while (!closing && in != null && in.readableBytes() >= 2) {
                        if (inFlight.get() >= limits.maxInFlight() || !channel.isWritable()) {
                            break;
                        }
                        int length = in.getUnsignedShort(in.readerIndex());
                        if (in.readableBytes() < 2 + length) {
                            break;
                        }
                        in.skipBytes(2);
                        byte[] msg = new byte[length];
                        in.readBytes(msg);
                        queries++;
                        inFlight.incrementAndGet();
                        lastActivity = System.nanoTime();
                        Exchange ex = Exchange.of(msg, length, client, Transport.TCP, this, events);
                        if (!Dispatch.dispatch(ex.verdict(), ex, router.get(), counters)) {
                            inFlight.decrementAndGet();
                            // An unreadable message on a stream means we have lost framing: hang up.
                            closeAfterAnswers(TcpClose.MALFORMED);
                        } else if (limits.maxQueries() > 0 && queries >= limits.maxQueries()) {
                            // What the client sent past it is not read: it retries that elsewhere (RFC 7766 §6.2.3).
                            closeAfterAnswers(TcpClose.MAX_QUERIES);
                        }
                    }
                    // An answer may have freed a slot since the loop stopped for a full one: the messages already
                    // here would wait for bytes that may never come, so look again.
                } while (!closing && inFlight.get() < limits.maxInFlight() && channel.isWritable() && complete());
            } finally {
                draining = false;
            }
            if (closing) {
                return;
            }
            compact();
            boolean full = inFlight.get() >= limits.maxInFlight();
            waitingForAnswers = full;
            boolean read = !full && channel.isWritable();
            if (channel.config().isAutoRead() != read) {
                if (!read) {
                    counters.tcpPaused.increment();
                }
                channel.config().setAutoRead(read);
            }
            boolean incomplete = in != null && in.isReadable() && !complete();
            if (!incomplete || !read) {
                // While we do not read, the rest of a message waits in the kernel through no fault of the client.
                messageStart = 0;
            } else if (messageStart == 0) {
                messageStart = System.nanoTime();
                arm(messageStart + limits.read().toNanos());
            }
            if (inFlight.get() < limits.maxInFlight() && channel.isWritable() && complete()) {
                // An answer came between the check and the flag, and may not have seen the flag set.
                ctx.executor().execute(resume);
            }
        }

        /** Whether {@link #in} holds a whole message. */
        private boolean complete() {
            return in != null && in.readableBytes() >= 2
                    && in.readableBytes() >= 2 + in.getUnsignedShort(in.readerIndex());
        }

        private void compact() {
            if (in == null) {
                return;
            }
            if (!in.isReadable()) {
                in.release();
                in = null;
            } else if (in.readerIndex() > 4096) {
                in.discardReadBytes();
            }
        }

        @Override
        public void send(Exchange ex, byte[] buf, int length) {
            ByteBuf out = channel.alloc().buffer(length + 2);
            out.writeShort(length);
            out.writeBytes(buf, 0, length);
            channel.writeAndFlush(out, channel.voidPromise());
            lastActivity = System.nanoTime();
            int left = inFlight.decrementAndGet();
            if (left == 0 && closeWhenAnswered) {
                // Queued behind the write above, as is the wake-up below.
                ctx.executor().execute(finish);
            } else if (waitingForAnswers) {
                waitingForAnswers = false;
                if (ctx.executor().inEventLoop()) {
                    resume();
                } else {
                    ctx.executor().execute(resume);
                }
            }
        }

        private void resume() {
            if (!closing && channel.isActive()) {
                drain();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable()) {
                unwritableSince = 0;
                resume();
            } else {
                unwritableSince = System.nanoTime();
                channel.config().setAutoRead(false);
                counters.tcpPaused.increment();
                arm(unwritableSince + limits.write().toNanos());
            }
            ctx.fireChannelWritabilityChanged();
        }

        /** Schedules a look at the deadlines for {@code at}, unless one comes sooner. */
        private void arm(long at) {
            if (timer != null && timerAt <= at) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            timerAt = at;
            timer = ctx.executor().schedule(this::check, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /** Closes the connection past a deadline, else looks again at the next one (at least every idle period). */
        private void check() {
            timer = null;
            if (!channel.isActive()) {
                return;
            }
            long now = System.nanoTime();
            long next = now + limits.idle().toNanos();
            if (closing) {
                // Waiting for the last answers: only the client not reading them can hold us now.
            } else if (messageStart != 0) {
                long due = messageStart + limits.read().toNanos();
                if (now - due >= 0) {
                    close(TcpClose.READ_TIMEOUT);
                    return;
                }
                next = Math.min(next, due);
            } else if (inFlight.get() == 0) {
                long due = lastActivity + limits.idle().toNanos();
                if (now - due >= 0) {
                    close(TcpClose.IDLE);
                    return;
                }
                next = Math.min(next, due);
            }
            if (unwritableSince != 0) {
                long due = unwritableSince + limits.write().toNanos();
                if (now - due >= 0) {
                    close(TcpClose.WRITE_TIMEOUT);
                    return;
                }
                next = Math.min(next, due);
            }
            arm(next);
        }

        /** Stops reading and closes once the queries already read are answered and the answers flushed. */
        private void closeAfterAnswers(TcpClose reason) {
            closing = true;
            counters.tcpClosed[reason.ordinal()].increment();
            channel.config().setAutoRead(false);
            release(false);
            closeWhenAnswered = true;
            if (inFlight.get() == 0) {
                finish();
            }
        }

        /** Closes after the answers written so far are flushed; runs at most once. */
        private void finish() {
            if (!finished) {
                finished = true;
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void close(TcpClose reason) {
            closing = true;
            counters.tcpClosed[reason.ordinal()].increment();
            release(true);
            channel.close();
        }

        /** Frees the bytes not yet taken; with {@code cutShort}, a message begun in them is counted as never answered. */
        private void release(boolean cutShort) {
            if (in != null) {
                if (cutShort && in.isReadable()) {
                    counters.tcpTruncated.increment();
                }
                in.release();
                in = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The client closed inside a message (we had not hung up ourselves): counted, never answered.
            release(!closing);
            closing = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset by the client, mostly: nothing to answer any more.
            release(!closing);
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        for (Channel ch : connections) {
            ch.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
