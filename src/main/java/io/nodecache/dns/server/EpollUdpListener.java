package io.nodecache.dns.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.nodecache.dns.event.QueryEventSink;
import io.nodecache.http.QuietEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * UDP on Linux through Netty's native epoll transport: each thread owns a SO_REUSEPORT socket and reads a batch
 * of datagrams per {@code recvmmsg}, and the answers to a batch leave in one {@code sendmmsg}. Under load this
 * halves and more the syscalls per query, which in a VM are most of a cache hit's cost.
 */
final class EpollUdpListener implements UdpTransport {

    /** Largest datagram read in a batch slot; bigger queries (rare: EDNS queries are small) are truncated. */
    private static final int MAX_QUERY = 4096;
    private static final int BATCH = 32;
    private static final int RECEIVE_BUFFER = 4 << 20;

    static {
        // Leak tracking samples buffers and records stack traces: garbage on every hundredth read. Tests that
        // want it set io.netty.leakDetection.level themselves.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private final AtomicReference<QueryHandler> router;
    private final QueryEventSink events;
    private final ServerCounters counters;
    private final List<Channel> channels = new ArrayList<>();
    private EventLoopGroup group;
    private InetSocketAddress bound;

    EpollUdpListener(AtomicReference<QueryHandler> router, QueryEventSink events, ServerCounters counters) {
        this.router = router;
        this.events = events;
        this.counters = counters;
    }

    static boolean available() {
        return Epoll.isAvailable();
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, int threadCount) throws IOException {
        group = new QuietEventLoopGroup(threadCount, r -> {
            // Netty's object pools (Recycler, the allocator's thread cache) only keep objects for its own
            // thread class; on a plain Thread every buffer and outbound entry was new garbage.
            Thread t = new FastThreadLocalThread(r, "nodecache-udp-" + address.getPort());
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory());
        InetSocketAddress target = address;
        try {
            for (int i = 0; i < threadCount; i++) {
                Bootstrap b = new Bootstrap()
                        .group(group)
                        // A socket of the address's own family: on a dual-stack socket Netty maps every IPv4
                        // client into a fresh IPv6 address array per answer sent.
                        .channelFactory(() -> new EpollDatagramChannel(
                                address.getAddress() instanceof java.net.Inet6Address
                                        ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET))
                        .option(EpollChannelOption.SO_REUSEPORT, true)
                        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                        // Netty 4.2's default (adaptive) allocator served the 128 KiB batch buffer by allocating
                        // fresh direct memory per read, a DirectByteBuffer and a Cleaner each time: most of the
                        // garbage per query. The pooled one reuses arena memory and recycles its buffer objects.
                        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
                        // The batch follows the load (Netty's adaptive sizing): a read that fills its slots grows
                        // them at once, up to BATCH; two in a row that use less than half shrink them by half, down
                        // to 2, so it stays recvmmsg. At a few thousand queries a second each wake-up reads one
                        // datagram: 32 slots and a 128 KiB buffer (too big for the allocator's thread cache) set up
                        // for it were wasted work.
                        .option(ChannelOption.RCVBUF_ALLOCATOR,
                                new AdaptiveRecvByteBufAllocator(2 * MAX_QUERY, 2 * MAX_QUERY, MAX_QUERY * BATCH))
                        .handler(new Handler());
                Channel ch = b.bind(target).sync().channel();
                channels.add(ch);
                target = (InetSocketAddress) ch.localAddress();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted binding UDP " + address, e);
        } catch (Exception e) {
            // Netty's sync() rethrows the native bind error (an IOException it does not declare) as is; without
            // this the start failed with "bind(..) failed with error(-98)", naming no address.
            close();
            throw new IOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
        }
        bound = target;
        return bound;
    }

    @Override
    public void start() {
        // Netty reads as soon as a channel is bound.
    }

    @Override
    public InetSocketAddress address() {
        return bound;
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** One per channel, so one per event-loop thread: its exchange and buffer are never shared. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final byte[] buf = new byte[MAX_QUERY];
        private Exchange exchange;
        private Channel channel;

        @Override
        public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            exchange = Exchange.reusable(Transport.UDP, this::send, events);
            super.channelRegistered(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                ByteBuf content = packet.content();
                int n = content.readableBytes();
                content.getBytes(content.readerIndex(), buf, 0, n);
                Dispatch.dispatch(exchange.reset(buf, n, packet.sender(), System.nanoTime()), exchange,
                        router.get(), counters);
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void send(Exchange ex, byte[] bytes, int length) {
            ByteBuf out = channel.alloc().directBuffer(length).writeBytes(bytes, 0, length);
            DatagramPacket packet = new DatagramPacket(out, ex.client());
            if (channel.eventLoop().inEventLoop()) {
                // Flushed with the rest of the batch in channelReadComplete: one sendmmsg for all of them.
                channel.write(packet, channel.voidPromise());
            } else {
                channel.writeAndFlush(packet, channel.voidPromise());
            }
        }
    }
}
